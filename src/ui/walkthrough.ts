// The getting-started walkthrough (contributes.walkthroughs): opened once per installation, from the
// view's title menu, and by "Get Started". Its hover step opens a sample file written on the spot.
import * as vscode from 'vscode';
import { sampleCredentials } from './sampleCredentials';

/** The walkthrough's id in the manifest. */
export const WALKTHROUGH_ID = 'clusterCredentials.gettingStarted';
/** Set once the walkthrough was offered; synced, so a second machine of the same user does not offer it again. */
const OFFERED_KEY = 'clusterCredentials.walkthroughOffered';

export function openGettingStarted(extensionId: string): Thenable<unknown> {
  return vscode.commands.executeCommand('workbench.action.openWalkthrough', `${extensionId}#${WALKTHROUGH_ID}`, false);
}

/**
 * Opens the walkthrough the first time the explorer shows after installation, never again. Installed from the
 * Marketplace, VS Code opens it by itself at install; this covers a VSIX or command-line install, without
 * activating at every start or taking the editor from someone who only opened a YAML file. VS Code's own switch,
 * `workbench.welcomePage.walkthroughs.openOnInstall`, is honoured: off, it stays in the Welcome page and the
 * view's menu.
 */
export function offerWalkthroughOnce(context: vscode.ExtensionContext, view: vscode.TreeView<unknown>, log: vscode.LogOutputChannel): vscode.Disposable {
  context.globalState.setKeysForSync([OFFERED_KEY]);
  const offer = (): void => {
    if (context.globalState.get<boolean>(OFFERED_KEY) === true) return;
    void context.globalState.update(OFFERED_KEY, true);
    if (!vscode.workspace.getConfiguration('workbench.welcomePage').get<boolean>('walkthroughs.openOnInstall', true)) return;
    openGettingStarted(context.extension.id).then(undefined, (err: unknown) => log.warn(`The getting-started walkthrough did not open: ${String(err)}`));
  };
  if (view.visible) offer();
  return view.onDidChangeVisibility((e) => {
    if (e.visible) offer();
  });
}

/** "Open a Sample Credential File": an untitled YAML document, so nothing is written to disk. */
export async function openSampleCredentials(): Promise<void> {
  const doc = await vscode.workspace.openTextDocument({ language: 'yaml', content: sampleCredentials(Date.now()).text });
  await vscode.window.showTextDocument(doc, { preview: false });
}
