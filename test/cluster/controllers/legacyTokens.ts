// The token controller for `kubernetes.io/service-account-token` Secrets: it fills in
// data.token (a never-expiring legacy JWT), ca.crt and namespace, and the SA uid annotation.

import { R } from '../resources';
import type { Secret } from '../types';
import { CONTROLLER_MANAGER, writeAs, type Controller, type ControllerContext } from './context';

export const SERVICE_ACCOUNT_NAME_ANNOTATION = 'kubernetes.io/service-account.name';
export const SERVICE_ACCOUNT_UID_ANNOTATION = 'kubernetes.io/service-account.uid';

export const legacyTokenController: Controller = {
  name: 'serviceaccount-token',
  reads: [R.secrets, R.serviceAccounts],
  sync(ctx: ControllerContext) {
    for (const obj of ctx.store.list(R.secrets)) {
      const secret = obj as Secret;
      if (secret.type !== 'kubernetes.io/service-account-token' || secret.data?.token !== undefined) continue;
      const ns = secret.metadata.namespace ?? '';
      const saName = secret.metadata.annotations?.[SERVICE_ACCOUNT_NAME_ANNOTATION];
      if (saName === undefined) continue;
      const sa = ctx.store.peek(R.serviceAccounts, ns, saName);
      if (sa === undefined) continue;
      const next = ctx.store.get<Secret>(R.secrets, ns, secret.metadata.name);
      if (next === undefined) continue;
      const token = ctx.issuer.legacyToken({ namespace: ns, serviceAccount: { name: saName, uid: sa.metadata.uid }, secretName: secret.metadata.name });
      next.metadata.annotations = { ...next.metadata.annotations, [SERVICE_ACCOUNT_UID_ANNOTATION]: sa.metadata.uid };
      next.data = {
        ...(next.data ?? {}),
        'ca.crt': Buffer.from(ctx.caPem).toString('base64'),
        namespace: Buffer.from(ns).toString('base64'),
        token: Buffer.from(token).toString('base64'),
      };
      writeAs(ctx, R.secrets, next, CONTROLLER_MANAGER);
    }
  },
};
