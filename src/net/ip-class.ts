import { isIP } from 'node:net'

/** What an IP address is, as far as reaching it from this server is concerned. */
export type AddressKind =
  | 'public' | 'loopback' | 'private' | 'link-local' | 'cgnat' | 'unique-local' | 'unspecified'
  | 'multicast' | 'broadcast' | 'reserved' | 'metadata'

/** Words for a client-facing message: "127.0.0.1, a loopback address". */
export const KIND_TEXT: Readonly<Record<AddressKind, string>> = {
  public: 'a public address',
  loopback: 'a loopback address',
  private: 'a private network address',
  'link-local': 'a link-local address',
  cgnat: 'a carrier-grade NAT (100.64.0.0/10) address',
  'unique-local': 'a unique-local IPv6 address',
  unspecified: 'an unspecified address',
  multicast: 'a multicast address',
  broadcast: 'a broadcast address',
  reserved: 'a reserved address',
  metadata: 'a cloud metadata address'
}

interface Range4 { base: number, bits: number, kind: AddressKind }

function v4 (text: string): number {
  return text.split('.').reduce((n, part) => n * 256 + Number(part), 0)
}

function range4 (cidr: string, kind: AddressKind): Range4 {
  const [base = '', bits = '32'] = cidr.split('/')
  return { base: v4(base), bits: Number(bits), kind }
}

// Metadata endpoints come first so they are named as such rather than as link-local or private.
const V4_RANGES: readonly Range4[] = [
  range4('169.254.169.254/32', 'metadata'), // AWS, GCP, Azure, OpenStack, DigitalOcean...
  range4('169.254.170.2/32', 'metadata'), // AWS ECS task metadata
  range4('169.254.169.123/32', 'metadata'), // AWS time sync
  range4('100.100.100.200/32', 'metadata'), // Alibaba Cloud
  range4('192.0.0.192/32', 'metadata'), // Oracle Cloud
  range4('255.255.255.255/32', 'broadcast'),
  range4('0.0.0.0/8', 'unspecified'), // "this network": Linux connects 0.0.0.0 to the local host
  range4('127.0.0.0/8', 'loopback'),
  range4('10.0.0.0/8', 'private'),
  range4('172.16.0.0/12', 'private'),
  range4('192.168.0.0/16', 'private'),
  range4('100.64.0.0/10', 'cgnat'),
  range4('169.254.0.0/16', 'link-local'),
  range4('192.0.0.0/24', 'reserved'), // IETF protocol assignments
  range4('198.18.0.0/15', 'reserved'), // benchmarking, often used for internal networks
  range4('224.0.0.0/4', 'multicast'),
  range4('240.0.0.0/4', 'reserved')
]

function inRange4 (ip: number, range: Range4): boolean {
  if (range.bits === 0) return true
  const shift = 32 - range.bits
  return Math.floor(ip / 2 ** shift) === Math.floor(range.base / 2 ** shift)
}

function classify4 (ip: number): AddressKind {
  return V4_RANGES.find(r => inRange4(ip, r))?.kind ?? 'public'
}

/** The 16 bytes of an IPv6 address (zone id dropped, embedded dotted IPv4 accepted). */
function bytes6 (text: string): number[] {
  const address = text.replace(/%.*$/, '')
  const [head = '', tail] = address.split('::') as [string, string | undefined]
  const groups = (part: string): number[] => {
    if (part === '') return []
    const out: number[] = []
    for (const group of part.split(':')) {
      if (group.includes('.')) {
        const n = v4(group)
        out.push(Math.floor(n / 65536), n % 65536)
      } else {
        out.push(parseInt(group, 16))
      }
    }
    return out
  }
  const left = groups(head)
  const right = tail === undefined ? [] : groups(tail)
  const words = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right]
  return words.flatMap(w => [w >> 8, w & 0xff])
}

function startsWith (bytes: number[], prefix: readonly number[], bits: number): boolean {
  for (let i = 0; i < bits; i++) {
    const byte = i >> 3
    const mask = 0x80 >> (i & 7)
    if (((bytes[byte] ?? 0) & mask) !== ((prefix[byte] ?? 0) & mask)) return false
  }
  return true
}

function embedded4 (bytes: number[], at: number): number {
  return bytes.slice(at, at + 4).reduce((n, b) => n * 256 + b, 0)
}

const FD00_EC2_254 = bytes6('fd00:ec2::254')

function classify6 (bytes: number[]): AddressKind {
  const zeros = (from: number, to: number): boolean => bytes.slice(from, to).every(b => b === 0)
  if (startsWith(bytes, FD00_EC2_254, 128)) return 'metadata'
  if (zeros(0, 16)) return 'unspecified'
  if (zeros(0, 15) && bytes[15] === 1) return 'loopback'
  // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (the deprecated "compatible" form) reach the IPv4 address.
  if (zeros(0, 10) && bytes[10] === 0xff && bytes[11] === 0xff) return classify4(embedded4(bytes, 12))
  if (zeros(0, 12)) return classify4(embedded4(bytes, 12))
  // NAT64 (64:ff9b::/96) reaches the embedded IPv4 address through the network's translator;
  // the local-use prefix 64:ff9b:1::/48 is for internal translators, so it counts as private.
  if (startsWith(bytes, [0x00, 0x64, 0xff, 0x9b], 32) && zeros(4, 12)) return classify4(embedded4(bytes, 12))
  if (startsWith(bytes, [0x00, 0x64, 0xff, 0x9b, 0x00, 0x01], 48)) return 'private'
  // 6to4 (2002::/16) carries the IPv4 address of the relay in bits 16-48.
  if (startsWith(bytes, [0x20, 0x02], 16)) {
    const kind = classify4(embedded4(bytes, 2))
    if (kind !== 'public') return kind
  }
  if (startsWith(bytes, [0xfe, 0x80], 10)) return 'link-local'
  if (startsWith(bytes, [0xfe, 0xc0], 10)) return 'private' // deprecated site-local
  if (startsWith(bytes, [0xfc], 7)) return 'unique-local'
  if (startsWith(bytes, [0xff], 8)) return 'multicast'
  if (startsWith(bytes, [0x01, 0x00, 0, 0, 0, 0, 0, 0], 64)) return 'reserved' // discard-only
  return 'public'
}

/**
 * Classifies an IP address (IPv4 or IPv6, with or without brackets). IPv4-mapped, IPv4-compatible,
 * NAT64 and 6to4 IPv6 forms are classified by the IPv4 address they reach.
 * Throws a TypeError for text that is not an IP address.
 */
export function classifyAddress (address: string): AddressKind {
  const text = address.replace(/^\[(.*)\]$/, '$1')
  const family = isIP(text.replace(/%.*$/, ''))
  if (family === 4) return classify4(v4(text))
  if (family === 6) return classify6(bytes6(text))
  throw new TypeError(`not an IP address: ${address}`)
}

/** True when the text is an IPv4 or IPv6 literal (brackets allowed). */
export function isIpLiteral (host: string): boolean {
  return isIP(host.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '')) !== 0
}
