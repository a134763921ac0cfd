// The display language's strings for this bundle's copy of @vscode/l10n. Every user-facing string is written
// `l10n.t('English text {0}', arg)` (imported `* as l10n from '@vscode/l10n'`, so that `npm run l10n` finds it and
// so that plain-Node layers and their unit tests share it); VS Code loads `l10n/bundle.l10n.<language>.json` for
// the extension, and each bundle (dist/extension.js, dist/cluster.js) hands those strings to its own copy here,
// before any of its strings is made. Without them `l10n.t` gives the English text, as in the unit tests.
// So no `l10n.t` runs at a module's top level: it would run before this.
import * as l10n from '@vscode/l10n';

/** `vscode.l10n.bundle`: undefined when the display language is English or has no translation. */
export function useTranslations(bundle: Record<string, string> | undefined): void {
  if (bundle !== undefined) l10n.config({ contents: bundle });
}
