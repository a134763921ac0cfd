// Whose exec plugin a kubeconfig names, read from its `exec` stanza alone (the plugin is not run): the EKS,
// GKE, AKS and OIDC plugins in words, any other by its command. Pure: no vscode, no process, no file.
// Secret arguments (`--client-secret x`, `--password=x`, a token) never reach the words or the command line.
import * as l10n from '@vscode/l10n';
import { maskSecrets } from '../../logs/maskSecrets';

/** The part of a kubeconfig `exec` stanza read here (ExecSpec fits it). */
export interface ExecStanza {
  command: string;
  args?: readonly string[];
  env?: readonly { name: string; value: string }[];
  apiVersion?: string;
  interactiveMode?: string;
  installHint?: string;
}

export type ExecPluginKind = 'eks' | 'gke' | 'aks' | 'oidc' | 'unknown';

/** What the token the plugin prints is: an EKS token (decoded), an opaque access token, a JWT, or not known. */
export type ExecTokenForm = 'eksToken' | 'opaque' | 'jwt' | 'unknown';

export interface RecognizedExecPlugin {
  kind: ExecPluginKind;
  /** A few words for a tree row: "AWS EKS token", "GKE access token", "exec plugin my-helper". */
  label: string;
  /** The whole description: "AWS EKS token for cluster prod-eu (region eu-west-1), role arn:aws:iam::1:role/Admin". */
  description: string;
  /** The command and its arguments, secret ones masked. */
  commandLine: string;
  tokenForm: ExecTokenForm;
  /** `v1` or `v1beta1` (the last part of the stanza's apiVersion). */
  apiVersion?: string;
  /** EKS: the cluster name (or id) the token is asked for. */
  cluster?: string;
  /** EKS: the region from the arguments or from AWS_REGION / AWS_DEFAULT_REGION. */
  region?: string;
  roleArn?: string;
  /** EKS: the AWS profile from the arguments or AWS_PROFILE. */
  profile?: string;
  /** AKS: the kubelogin login mode as written (`devicecode` when none is given). */
  loginMode?: string;
  tenantId?: string;
  serverId?: string;
  /** AKS and OIDC: the client (application) id. */
  clientId?: string;
  /** OIDC: the issuer URL. */
  issuerUrl?: string;
}

/** The file gke-gcloud-auth-plugin caches its token in, in the kubeconfig's directory. */
export const GKE_CACHE_FILE = 'gke_gcloud_auth_plugin_cache';

const MASKED = '[masked]';

// A flag whose value is a secret: any name with secret or password in it, or ending in token or key
// (`--client-secret`, `--oidc-client-secret`, `--password`, `--token`, `--refresh-token`, `--api-key`);
// `--token-cache-dir` and `--cluster-id` are not.
const SECRET_FLAG = /secret|passw(?:or)?d|passphrase|(?:^|[-_])(?:token|api[-_]?key|access[-_]?key|private[-_]?key|pin|otp)$/i;

/** kubelogin's login mode (lower case) in words; undefined for a mode it does not have. */
function loginWords(mode: string): string | undefined {
  switch (mode) {
    case 'devicecode':
      return l10n.t('device code');
    case 'interactive':
      return l10n.t('interactive browser login');
    case 'spn':
      return l10n.t('service principal');
    case 'ropc':
      return l10n.t('username and password');
    case 'msi':
      return l10n.t('managed identity');
    case 'azurecli':
      return 'Azure CLI';
    case 'azd':
      return 'Azure Developer CLI';
    case 'workloadidentity':
      return l10n.t('workload identity');
    default:
      return undefined;
  }
}

/** The command's file name without its directory or a Windows extension: `/usr/local/bin/aws` → `aws`. */
export function commandBasename(command: string): string {
  const base = command.split(/[\\/]/).pop() ?? command;
  return base.replace(/\.(?:exe|cmd|bat|ps1)$/i, '');
}

function flagName(arg: string): string | undefined {
  const m = /^--?([A-Za-z0-9][A-Za-z0-9_.-]*)(?:=|$)/.exec(arg);
  return m?.[1];
}

/** The arguments with the value of every secret flag replaced, and tokens inside any argument masked. */
export function maskExecArgs(args: readonly string[]): string[] {
  const out: string[] = [];
  let maskNext = false;
  for (const arg of args) {
    if (maskNext) {
      out.push(MASKED);
      maskNext = false;
      continue;
    }
    const name = flagName(arg);
    if (name !== undefined && SECRET_FLAG.test(name)) {
      const eq = arg.indexOf('=');
      if (eq >= 0) out.push(`${arg.slice(0, eq + 1)}${MASKED}`);
      else {
        out.push(arg);
        maskNext = true;
      }
      continue;
    }
    out.push(maskSecrets(arg));
  }
  return out;
}

function quoted(arg: string): string {
  return arg === '' || /[\s"'\\$`]/.test(arg) ? JSON.stringify(arg) : arg;
}

/** The command line as a shell would read it, secret arguments masked. */
export function execCommandLine(stanza: Pick<ExecStanza, 'command' | 'args'>): string {
  return [stanza.command, ...maskExecArgs(stanza.args ?? [])].map(quoted).join(' ');
}

/** The value of a flag under any of `names` (`--role`, `-r`), as `--role x` or `--role=x`; the last one given wins, as with most CLIs. */
function flagValue(args: readonly string[], names: readonly string[]): string | undefined {
  let found: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    for (const name of names) {
      if (arg === name) {
        const next = args[i + 1];
        if (next !== undefined && !next.startsWith('-')) found = next;
      } else if (arg.startsWith(`${name}=`)) found = arg.slice(name.length + 1);
    }
  }
  return found === '' ? undefined : found;
}

function envValue(stanza: ExecStanza, name: string): string | undefined {
  const found = stanza.env?.filter((e) => e.name === name).pop();
  return found && found.value !== '' ? found.value : undefined;
}

/** `client.authentication.k8s.io/v1beta1` → `v1beta1`. */
function shortVersion(apiVersion: string | undefined): string | undefined {
  if (apiVersion === undefined || apiVersion === '') return undefined;
  return apiVersion.split('/').pop();
}

/** `sub` appears as a word of the arguments, right after `parent` when one is given. */
function hasSubcommand(args: readonly string[], sub: string, parent?: string): boolean {
  return args.some((a, i) => a === sub && (parent === undefined || args[i - 1] === parent));
}

function eks(stanza: ExecStanza, base: string, args: readonly string[]): Partial<RecognizedExecPlugin> | undefined {
  const viaCli = base === 'aws' && hasSubcommand(args, 'get-token', 'eks');
  const viaAuthenticator = base === 'aws-iam-authenticator' && hasSubcommand(args, 'token');
  if (!viaCli && !viaAuthenticator) return undefined;
  const cluster = viaCli ? flagValue(args, ['--cluster-name', '--cluster-id']) : flagValue(args, ['-i', '--cluster-id']);
  const roleArn = viaCli ? flagValue(args, ['--role-arn']) : flagValue(args, ['-r', '--role']);
  // The flag wins, then AWS_REGION, then AWS_DEFAULT_REGION (the AWS CLI's and the AWS SDKs' order).
  const region = flagValue(args, ['--region']) ?? envValue(stanza, 'AWS_REGION') ?? envValue(stanza, 'AWS_DEFAULT_REGION');
  const profile = (viaCli ? flagValue(args, ['--profile']) : undefined) ?? envValue(stanza, 'AWS_PROFILE');
  let description = cluster !== undefined ? l10n.t('AWS EKS token for cluster {0}', cluster) : l10n.t('AWS EKS token (the arguments name no cluster)');
  if (region !== undefined) description = l10n.t('{0} (region {1})', description, region);
  if (roleArn !== undefined) description = l10n.t('{0}, role {1}', description, roleArn);
  if (profile !== undefined) description = l10n.t('{0}, profile {1}', description, profile);
  return {
    kind: 'eks',
    label: l10n.t('AWS EKS token'),
    description,
    tokenForm: 'eksToken',
    ...defined({ cluster, region, roleArn, profile }),
  };
}

function gke(base: string): Partial<RecognizedExecPlugin> | undefined {
  if (base !== 'gke-gcloud-auth-plugin') return undefined;
  return {
    kind: 'gke',
    label: l10n.t('GKE access token'),
    description: l10n.t('GKE access token from gcloud (opaque, never decoded); cached beside the kubeconfig in {0}', GKE_CACHE_FILE),
    tokenForm: 'opaque',
  };
}

/** int128/kubelogin: `kubectl oidc-login get-token`, its `kubectl-oidc_login` binary, or the binary renamed `kubelogin`. */
function oidc(base: string, args: readonly string[]): Partial<RecognizedExecPlugin> | undefined {
  const issuerUrl = flagValue(args, ['--oidc-issuer-url']);
  const viaKubectl = base === 'kubectl' && args[0] === 'oidc-login' && hasSubcommand(args, 'get-token', 'oidc-login');
  const viaBinary = base === 'kubectl-oidc_login' && hasSubcommand(args, 'get-token');
  const renamed = base === 'kubelogin' && issuerUrl !== undefined && hasSubcommand(args, 'get-token');
  if (!viaKubectl && !viaBinary && !renamed) return undefined;
  const clientId = flagValue(args, ['--oidc-client-id']);
  const description =
    issuerUrl !== undefined
      ? clientId !== undefined
        ? l10n.t('OIDC ID token from {0} (client {1}) via kubelogin', issuerUrl, clientId)
        : l10n.t('OIDC ID token from {0} via kubelogin', issuerUrl)
      : clientId !== undefined
        ? l10n.t('OIDC ID token (the arguments name no issuer) (client {0}) via kubelogin', clientId)
        : l10n.t('OIDC ID token (the arguments name no issuer) via kubelogin');
  return {
    kind: 'oidc',
    label: l10n.t('OIDC ID token'),
    description,
    tokenForm: 'jwt',
    ...defined({ issuerUrl, clientId }),
  };
}

/** Azure/kubelogin: `kubelogin get-token --login <mode> --server-id <app> --tenant-id <tenant>`. */
function aks(stanza: ExecStanza, base: string, args: readonly string[]): Partial<RecognizedExecPlugin> | undefined {
  if (base !== 'kubelogin' || !hasSubcommand(args, 'get-token')) return undefined;
  // kubelogin reads AAD_LOGIN_METHOD when no --login is given, and logs in by device code when neither is.
  const loginMode = flagValue(args, ['--login', '-l']) ?? envValue(stanza, 'AAD_LOGIN_METHOD') ?? 'devicecode';
  const tenantId = flagValue(args, ['--tenant-id', '-t']) ?? envValue(stanza, 'AZURE_TENANT_ID');
  const serverId = flagValue(args, ['--server-id']);
  const clientId = flagValue(args, ['--client-id']) ?? envValue(stanza, 'AZURE_CLIENT_ID');
  const words = loginWords(loginMode.toLowerCase()) ?? loginMode;
  return {
    kind: 'aks',
    label: l10n.t('Azure (Entra ID) token'),
    description:
      tenantId !== undefined
        ? l10n.t('Azure (Entra ID) token via kubelogin, login: {0}, tenant {1}', words, tenantId)
        : l10n.t('Azure (Entra ID) token via kubelogin, login: {0}', words),
    tokenForm: 'jwt',
    ...defined({ loginMode, tenantId, serverId, clientId }),
  };
}

function defined<T extends Record<string, string | undefined>>(values: T): Partial<Record<keyof T, string>> {
  const out: Partial<Record<keyof T, string>> = {};
  for (const key of Object.keys(values) as (keyof T)[]) {
    const v = values[key];
    if (v !== undefined) out[key] = v;
  }
  return out;
}

/**
 * Whose plugin an exec stanza runs, in words. Values that could be secret are masked before they are read
 * into words, so a secret passed where a name was expected (`--cluster-name --password x`) is masked too.
 */
export function recognizeExecPlugin(stanza: ExecStanza): RecognizedExecPlugin {
  const base = commandBasename(stanza.command);
  const args = maskExecArgs(stanza.args ?? []);
  const apiVersion = shortVersion(stanza.apiVersion);
  const found = eks(stanza, base, args) ?? gke(base) ?? oidc(base, args) ?? aks(stanza, base, args);
  const common = { commandLine: execCommandLine(stanza), ...(apiVersion !== undefined ? { apiVersion } : {}) };
  if (found?.kind !== undefined && found.label !== undefined && found.description !== undefined && found.tokenForm !== undefined) {
    return { ...found, ...common, kind: found.kind, label: found.label, description: found.description, tokenForm: found.tokenForm };
  }
  const name = maskSecrets(base);
  return {
    kind: 'unknown',
    label: l10n.t('exec plugin {0}', name),
    description: apiVersion !== undefined ? l10n.t('exec plugin {0} ({1})', name, apiVersion) : l10n.t('exec plugin {0}', name),
    tokenForm: 'unknown',
    ...common,
  };
}
