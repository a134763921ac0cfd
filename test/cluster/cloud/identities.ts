// Who each managed cloud says the caller is, and what the test cluster plays of that cloud: the EKS
// cluster's name and region with its aws-auth mapping, the Google account, the Entra tenant and user,
// the OIDC issuer and its user. The fake plugins are told these through exec.env; the authenticators
// check tokens against them.

export const EKS = {
  clusterName: 'prod-eu',
  region: 'eu-west-1',
  accountId: '111122223333',
  roleArn: 'arn:aws:iam::111122223333:role/Admin',
  /** `aws eks get-token --role-arn` assumes the role under this session name. */
  sessionName: 'EKSGetTokenAuth',
  /** The aws-auth ConfigMap's mapRoles entry for the role. */
  mappedUsername: 'eks-admin',
  mappedGroups: ['system:masters'],
} as const;

export const GKE = {
  project: 'analytics-prod',
  location: 'europe-west1',
  cluster: 'analytics',
  account: 'dana@analytics.example.com',
} as const;

export const AKS = {
  resourceGroup: 'rg-payments',
  cluster: 'aks-payments',
  tenantId: 'c7a1e5d2-3b4f-4e6a-8d9c-0f1e2d3c4b5a',
  /** The AKS AAD server application every AKS cluster's tokens are issued for. */
  serverId: '6dae42f8-4368-4678-94ff-3960e28e3630',
  /** The Azure Kubernetes CLI client application. */
  clientId: '80faf920-1908-4b52-b5ef-a8e7bedfc67a',
  upn: 'alex@paymentsco.onmicrosoft.com',
  name: 'Alex Kim',
  oid: '4f1c2b3a-5d6e-4f70-8a9b-0c1d2e3f4a5b',
  /** The object id of the Entra group "payments-admins". */
  groups: ['b2e5c8d1-7a4f-4e3b-9c6d-1f0a2b3c4d5e'],
} as const;

/** `kubelogin get-token` as `kubelogin convert-kubeconfig -l <login>` writes it for this AKS cluster. */
export function kubeloginArgs(login: 'azurecli' | 'devicecode'): string[] {
  return [
    'get-token',
    '--login',
    login,
    '--server-id',
    AKS.serverId,
    '--client-id',
    AKS.clientId,
    '--tenant-id',
    AKS.tenantId,
    '--environment',
    'AzurePublicCloud',
  ];
}

export const OIDC = {
  issuer: 'https://dex.platform.example.com',
  clientId: 'kubernetes',
  sub: 'CiQ4YjM3ZTQ1Mi1wcml5YRIFbG9jYWw',
  email: 'priya@platform.example.com',
  name: 'Priya Raman',
  groups: ['platform-team'],
} as const;

export const KUBEADM = {
  commonName: 'kubernetes-admin',
  organizations: ['system:masters'],
  /** The admin.conf certificate expires this many days after the cluster's now. */
  expiresInDays: 20,
} as const;

/** The username `kubectl auth whoami` shows for each cloud's identity. */
export const CLOUD_USERNAMES = {
  eks: EKS.mappedUsername,
  gke: GKE.account,
  aks: AKS.upn,
  oidc: OIDC.email,
  kubeadm: KUBEADM.commonName,
} as const;
