// Who Am I: a SelfSubjectReview for the active context.
import * as l10n from '@vscode/l10n';
import * as vscode from 'vscode';
import { whoAmI } from '../../cluster/actions/whoAmI';
import { refOf } from '../../shared/nodeRef';
import type { CommandContext } from './context';
import { sessionFor, showFailure } from './common';
import { whoAmISentence } from './sentences';

export async function whoAmICommand(cc: CommandContext, arg?: unknown): Promise<{ username: string; groups: string[] } | undefined> {
  const { services } = cc;
  const session = sessionFor(services, refOf(arg));
  if (!session) return undefined;
  const res = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: l10n.t('Asking context {0} who you are', session.context) },
    () => whoAmI(session.api),
  );
  if (!res.ok) {
    showFailure(services, l10n.t('find out who you are in context {0}', session.context), res.error);
    return undefined;
  }
  const text = whoAmISentence(res.value, session.context);
  services.log.info(`Who Am I: ${text}`);
  void vscode.window.showInformationMessage(text);
  return { username: res.value.username, groups: res.value.groups };
}
