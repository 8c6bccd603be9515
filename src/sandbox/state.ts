/** Public Signal keys a device published to the directory. */
export interface PublishedKeys {
  registrationId: number;
  identityKey: Buffer;
  signedPreKey: { keyId: number; publicKey: Buffer; signature: Buffer };
  /** One-time prekeys by id; consumed when a bundle is handed out. */
  preKeys: Record<string, Buffer>;
}

/** One device of an account: device 0 is the (virtual) phone, others are linked companions. */
export interface DeviceRecord {
  id: number;
  kind: 'phone' | 'companion';
  keyIndex: number;
  keys: PublishedKeys;
  /** Noise static key the companion authenticates with at login. */
  noiseKey?: Buffer;
  /** Signed device identity (ADV) the companion returned at pairing. */
  account?: Buffer;
  platform?: string;
  /** Whether the first-login history sync has been delivered. */
  historySent?: boolean;
  /** Whether the phone has shared its app-state sync key with this companion. */
  appStateKeyShared?: boolean;
  createdAt: number;
}

/** Serialized Baileys-style auth state (creds + key store) of a virtual phone. */
export interface PhoneSecrets {
  creds: unknown;
  keys: Record<string, Record<string, unknown>>;
}

/** A message a virtual phone received and decoded. */
export interface ReceivedRecord {
  id: string;
  /** Chat jid (normalized, PN form). */
  chat: string;
  /** Sender user jid (normalized, PN form). */
  from: string;
  /** Sender device jid as relayed. */
  fromDevice: string;
  /** Unix seconds. */
  t: number;
  /** proto.Message bytes, or undefined when it could not be decrypted. */
  message?: Buffer;
  error?: string;
  /** 'pkmsg' | 'msg' | 'skmsg' | 'plaintext'. */
  encType: string;
}

/** A receipt a virtual phone received. */
export interface ReceiptRecord {
  ids: string[];
  from: string;
  type: string;
  t: number;
}

/** One WhatsApp account (a phone number) in the sandbox world. */
export interface AccountRecord {
  pn: string;
  lid: string;
  pushName: string;
  status: string;
  devices: Record<string, DeviceRecord>;
  phone: PhoneSecrets;
  blocklist: string[];
  /** Privacy categories changed from WhatsApp's default (`all`), e.g. `{ profile: 'none' }`. */
  privacy?: Record<string, string>;
  picture?: { id: string; data: Buffer };
  /** The app-state sync key the phone shares with its companions (made when the first one links). */
  appStateKey?: { id: Buffer; data: Buffer; t: number };
  received: ReceivedRecord[];
  receipts: ReceiptRecord[];
}

/** A group participant. */
export interface GroupMember {
  pn: string;
  admin: 'admin' | 'superadmin' | null;
}

/** A group chat. */
export interface GroupRecord {
  id: string;
  subject: string;
  subjectOwner: string;
  subjectTime: number;
  creation: number;
  owner: string;
  desc?: string;
  descId?: string;
  descOwner?: string;
  descTime?: number;
  announce: boolean;
  restrict: boolean;
  inviteCode: string;
  members: GroupMember[];
  /** Invite codes replaced by a reset: joining with one is refused as revoked (410). */
  revokedCodes?: string[];
  /** Disappearing-messages timer in seconds (absent: off). */
  ephemeral?: number;
  /** New members joining by link wait for an admin's approval. */
  joinApproval?: boolean;
  /** Pending join requests (with `joinApproval`): who asked and when (Unix seconds). */
  requests?: Array<{ pn: string; t: number }>;
  /** The group photo (a JPEG) and its id. */
  picture?: { id: string; data: Buffer };
}

/** A stanza kept for a companion device until the device acknowledges it. */
export interface QueuedStanza {
  /** Position in delivery order (ascending across the whole world; the store's row id). */
  seq: number;
  /** encodeBinaryNode output. */
  node: Buffer;
}

/** An encrypted blob on the media host. */
export interface MediaRecord {
  size: number;
  mediaType: string;
  /** The host answers 410 for it (the blob is kept: it stands for the sender's phone's copy, re-uploaded on request). */
  expired?: boolean;
}

/** The whole sandbox world; JSON-serializable with Baileys' BufferJSON. */
export interface WorldState {
  version: 1;
  accounts: Record<string, AccountRecord>;
  /** lid user → pn user */
  lids: Record<string, string>;
  groups: Record<string, GroupRecord>;
  /** device jid (PN form, `user:dev@s.whatsapp.net`) → stanzas not yet acknowledged by the device, in delivery order */
  queues: Record<string, QueuedStanza[]>;
  /** media path → metadata (blobs live in the store) */
  media: Record<string, MediaRecord>;
}

/** A fresh, empty world. */
export const emptyWorld = (): WorldState => ({
  version: 1,
  accounts: {},
  lids: {},
  groups: {},
  queues: {},
  media: {}
})
