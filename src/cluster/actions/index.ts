// Cluster operations behind the commands: pure Node, no vscode; each answers a value or a ClusterError.
export * from './result';
export * from './pods';
export * from './restartPod';
export * from './rolloutRestart';
export * from './requestToken';
export * from './reviewToken';
export * from './whoAmI';
export * from './probeConcurrency';
export * from './serviceAccounts';
