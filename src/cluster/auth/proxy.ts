// Which proxy requests to the API server go through, chosen as kubectl chooses: the kubeconfig's proxy-url for
// every host; else HTTPS_PROXY / HTTP_PROXY with NO_PROXY, by the rules of Go's http.ProxyFromEnvironment
// (golang.org/x/net/http/httpproxy); else, our addition, VS Code's http.proxy setting under the same rules.
import net from 'node:net';
import { domainToASCII } from 'node:url';

export type ProxySource = 'kubeconfig' | 'environment' | 'setting';

export interface ProxyChoice {
  /** As given, user name and password included: for the connection only. */
  url: string;
  source: ProxySource;
  /** Scheme, host and port only, for the log. */
  display: string;
}

export interface ProxyInputs {
  /** The cluster's `proxy-url` in the kubeconfig. */
  kubeconfigProxyUrl?: string;
  /** Where HTTPS_PROXY, HTTP_PROXY and NO_PROXY (or their lower-case forms) are read. */
  env: NodeJS.ProcessEnv;
  /** VS Code's `http.proxy`. */
  settingProxy?: string;
  /** VS Code's `http.noProxy`, in NO_PROXY syntax; applies to `settingProxy` only. */
  settingNoProxy?: readonly string[];
}

/** The proxy for requests to `server`, or undefined for a direct connection. */
export function chooseProxy(server: string, inputs: ProxyInputs): ProxyChoice | undefined {
  // client-go uses proxy-url for every request of the cluster; NO_PROXY is not consulted for it.
  if (inputs.kubeconfigProxyUrl) return choice(inputs.kubeconfigProxyUrl, 'kubeconfig');
  let target: URL;
  try {
    target = new URL(server);
  } catch {
    return undefined;
  }
  const noProxy = envAny(inputs.env, 'NO_PROXY', 'no_proxy') ?? '';
  const fromEnv =
    target.protocol === 'https:'
      ? envAny(inputs.env, 'HTTPS_PROXY', 'https_proxy')
      : target.protocol === 'http:'
        ? envAny(inputs.env, 'HTTP_PROXY', 'http_proxy')
        : undefined;
  const envProxy = parseProxy(fromEnv);
  // A proxy set in the environment decides alone, NO_PROXY included: the setting is only a fallback.
  if (envProxy !== undefined) return useProxy(target, noProxy) ? choice(envProxy, 'environment') : undefined;
  const settingProxy = parseProxy(inputs.settingProxy?.trim());
  if (settingProxy === undefined) return undefined;
  return useProxy(target, [noProxy, ...(inputs.settingNoProxy ?? [])].join(',')) ? choice(settingProxy, 'setting') : undefined;
}

/** Go's getEnvAny: the first variable that is set and not empty. */
function envAny(env: NodeJS.ProcessEnv, ...names: string[]): string | undefined {
  for (const n of names) {
    const v = env[n];
    if (v !== undefined && v !== '') return v;
  }
  return undefined;
}

/** Go's parseProxy: a full URL, or `host[:port]` taken as http://; anything else is ignored. */
function parseProxy(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  try {
    const u = new URL(value);
    if (u.protocol !== '' && u.host !== '') return value;
  } catch {
    // Falls through to the http:// form, as Go does.
  }
  try {
    return new URL(`http://${value}`).host !== '' ? `http://${value}` : undefined;
  } catch {
    return undefined;
  }
}

function choice(url: string, source: ProxySource): ProxyChoice {
  let display = 'an address that is not a URL';
  try {
    const u = new URL(url);
    display = `${u.protocol}//${u.host}`;
  } catch {
    // client-node reports the bad proxy-url when it connects.
  }
  return { url, source, display };
}

type Rule =
  | { kind: 'all' }
  | { kind: 'cidr'; list: net.BlockList }
  | { kind: 'ip'; list: net.BlockList; port: string }
  | { kind: 'domain'; host: string; port: string; matchHost: boolean };

const LOOPBACK = new net.BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** Go's useProxy: never for localhost or a loopback address, and not for what NO_PROXY names. */
export function useProxy(target: URL, noProxy: string): boolean {
  const host = target.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  const port = target.port !== '' ? target.port : target.protocol === 'https:' ? '443' : '80';
  if (host === 'localhost') return false;
  const family = net.isIP(host);
  const ipType = family === 4 ? 'ipv4' : 'ipv6';
  if (family !== 0 && LOOPBACK.check(host, ipType)) return false;
  for (const rule of parseNoProxy(noProxy)) {
    switch (rule.kind) {
      case 'all':
        return false;
      case 'cidr':
        if (family !== 0 && rule.list.check(host, ipType)) return false;
        break;
      case 'ip':
        if (family !== 0 && rule.list.check(host, ipType) && (rule.port === '' || rule.port === port)) return false;
        break;
      case 'domain':
        // As in current Go, a domain entry never matches an IP address.
        if (family === 0 && (host.endsWith(rule.host) || (rule.matchHost && host === rule.host.slice(1))) && (rule.port === '' || rule.port === port)) {
          return false;
        }
        break;
    }
  }
  return true;
}

/** Go's config.init: `*`, CIDRs, IPs and domains, each with an optional port; malformed entries are skipped. */
function parseNoProxy(noProxy: string): Rule[] {
  const rules: Rule[] = [];
  for (const raw of noProxy.split(',')) {
    const p = raw.trim().toLowerCase();
    if (p === '') continue;
    if (p === '*') return [{ kind: 'all' }];
    const cidr = parseCidr(p);
    if (cidr) {
      rules.push({ kind: 'cidr', list: cidr });
      continue;
    }
    const split = splitHostPort(p);
    let host = split ? split.host : p;
    const port = split ? split.port : '';
    if (split) {
      if (host === '') continue;
      if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
    }
    const family = net.isIP(host);
    if (family !== 0) {
      const list = new net.BlockList();
      list.addAddress(host, family === 4 ? 'ipv4' : 'ipv6');
      rules.push({ kind: 'ip', list, port });
      continue;
    }
    if (host === '') continue;
    if (host.startsWith('*.')) host = host.slice(1);
    const matchHost = !host.startsWith('.');
    if (matchHost) host = `.${host}`;
    if ([...host].some((c) => c.charCodeAt(0) > 0x7f)) host = domainToASCII(host) || host;
    rules.push({ kind: 'domain', host, port, matchHost });
  }
  return rules;
}

function parseCidr(p: string): net.BlockList | undefined {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(p);
  if (!m) return undefined;
  const family = net.isIP(m[1]);
  const prefix = Number(m[2]);
  if (family === 0 || prefix > (family === 4 ? 32 : 128)) return undefined;
  const list = new net.BlockList();
  list.addSubnet(m[1], prefix, family === 4 ? 'ipv4' : 'ipv6');
  return list;
}

/** Go's net.SplitHostPort: undefined where it fails (no port, too many colons). */
function splitHostPort(p: string): { host: string; port: string } | undefined {
  if (p.startsWith('[')) {
    const end = p.indexOf(']');
    if (end < 0 || p[end + 1] !== ':') return undefined;
    const port = p.slice(end + 2);
    if (port.includes(':') || port.includes('[') || port.includes(']')) return undefined;
    return { host: p.slice(1, end), port };
  }
  const i = p.lastIndexOf(':');
  if (i < 0 || p.indexOf(':') !== i || p.includes('[') || p.includes(']')) return undefined;
  return { host: p.slice(0, i), port: p.slice(i + 1) };
}
