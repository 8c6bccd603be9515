import { parseProxyUrl, ProxyUrlError } from '../../src/net/proxy.js'

describe('parseProxyUrl', () => {
  it.each([
    ['http://127.0.0.1:3128', { protocol: 'http', host: '127.0.0.1', port: 3128, username: '', password: '' }],
    ['http://proxy.example', { protocol: 'http', host: 'proxy.example', port: 80, username: '', password: '' }],
    ['socks5://u%40x:p%3Ass@10.0.0.1', { protocol: 'socks5', host: '10.0.0.1', port: 1080, username: 'u@x', password: 'p:ss' }],
    [' socks5://[::1]:9050/ ', { protocol: 'socks5', host: '::1', port: 9050, username: '', password: '' }]
  ])('reads %s', (url, expected) => {
    expect(parseProxyUrl(url)).toEqual(expected)
  })

  it.each([
    ['', 'invalid proxy URL format'],
    ['127.0.0.1:3128', 'invalid proxy URL format'],
    ['https://p:443', 'only HTTP and SOCKS5 proxies are supported'],
    ['socks4://p:1080', 'only HTTP and SOCKS5 proxies are supported'],
    ['http://p:3128/x', 'invalid proxy URL format'],
    ['http://p:3128?a=1', 'invalid proxy URL format']
  ])('refuses %j: %s', (url, message) => {
    expect(() => parseProxyUrl(url)).toThrow(ProxyUrlError)
    expect(() => parseProxyUrl(url)).toThrow(message)
  })
})
