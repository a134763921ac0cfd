// SelfSubjectReview (`kubectl auth whoami`): who the cluster thinks the active credential is.
// v1 from Kubernetes 1.28; v1beta1 on 1.27 (and later when enabled).
import * as l10n from '@vscode/l10n';
import type { ApiClients } from '../auth/apiClient';
import { answerDetail, clusterError } from '../errors';
import { type ActionResult, failed, field, requestJson, succeeded } from './result';
import { type ReviewedUser, userInfoOf } from './reviewToken';

export type SelfSubjectReviewVersion = 'v1' | 'v1beta1';

export interface WhoAmI extends ReviewedUser {
  apiVersion: SelfSubjectReviewVersion;
}

export async function whoAmI(api: ApiClients, signal?: AbortSignal): Promise<ActionResult<WhoAmI>> {
  const v1 = await selfSubjectReview(api, 'v1', signal);
  if (v1.ok || v1.error.kind !== 'notFound') return v1;
  const beta = await selfSubjectReview(api, 'v1beta1', signal);
  if (beta.ok || beta.error.kind !== 'notFound') return beta;
  return failed({
    ...beta.error,
    message: l10n.t(
      'this cluster serves no SelfSubjectReview API (it needs Kubernetes 1.28, or 1.27 with the beta API), so it cannot say who you are; check the user of this context in the kubeconfig instead',
    ),
  });
}

async function selfSubjectReview(api: ApiClients, version: SelfSubjectReviewVersion, signal: AbortSignal | undefined): Promise<ActionResult<WhoAmI>> {
  const res = await requestJson(api, `/apis/authentication.k8s.io/${version}/selfsubjectreviews`, {
    method: 'POST',
    body: { apiVersion: `authentication.k8s.io/${version}`, kind: 'SelfSubjectReview' },
    ...(signal ? { signal } : {}),
    about: { verb: 'create', resource: 'selfsubjectreviews.authentication.k8s.io' },
  });
  if (!res.ok) return res;
  const user = userInfoOf(field(res.value.body, 'status', 'userInfo'));
  if (!user) {
    return failed(
      clusterError({
        kind: 'unknown',
        message: l10n.t('the cluster answered the SelfSubjectReview without a user; check the user of this context in the kubeconfig instead'),
        detail: answerDetail(res.value.body),
      }),
    );
  }
  return succeeded({ ...user, apiVersion: version });
}
