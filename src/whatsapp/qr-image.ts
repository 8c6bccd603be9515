import QRCode from 'qrcode'

/** The QR code string as a PNG data URL, the form wuzapi's `/session/qr` and status answer. */
export async function qrDataUrl (code: string): Promise<string> {
  return await QRCode.toDataURL(code, { width: 256, margin: 2 })
}
