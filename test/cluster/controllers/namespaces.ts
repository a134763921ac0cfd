// Per-namespace housekeeping: the `default` ServiceAccount, the kube-root-ca.crt ConfigMap,
// and emptying then removing a namespace that is being deleted.

import { RESOURCES, R } from '../resources';
import { CONTROLLER_MANAGER, type Controller, type ControllerContext } from './context';

const ROOT_CA_DESCRIPTION =
  'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.';

export const namespaceController: Controller = {
  name: 'namespace',
  reads: [R.namespaces, R.serviceAccounts, R.configMaps],
  sync(ctx: ControllerContext) {
    for (const ns of ctx.store.list(R.namespaces)) {
      const name = ns.metadata.name;
      if (ns.metadata.deletionTimestamp !== undefined) {
        for (const r of RESOURCES) {
          if (!r.stored || !r.namespaced) continue;
          for (const o of ctx.store.list(r, name)) ctx.store.remove(r, name, o.metadata.name);
        }
        ctx.store.remove(R.namespaces, undefined, name);
        continue;
      }
      if (ctx.store.peek(R.serviceAccounts, name, 'default') === undefined) {
        ctx.api.create(R.serviceAccounts, name, { metadata: { name: 'default' } }, { manager: CONTROLLER_MANAGER });
      }
      const cm = ctx.store.peek(R.configMaps, name, 'kube-root-ca.crt');
      if (cm === undefined) {
        ctx.api.create(
          R.configMaps,
          name,
          {
            metadata: { name: 'kube-root-ca.crt', annotations: { 'kubernetes.io/description': ROOT_CA_DESCRIPTION } },
            data: { 'ca.crt': ctx.caPem },
          },
          { manager: CONTROLLER_MANAGER },
        );
      }
    }
  },
};
