-- wuzapi's media_delivery, per user: 'base64' embeds the decrypted media of a Message event in its
-- webhook (base64, mimeType, fileName); '' sends only the download fields.
ALTER TABLE users ADD COLUMN media_delivery TEXT NOT NULL DEFAULT '';
