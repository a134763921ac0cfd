// What makes a translation a translation, for the manifest's package.nls.zh-cn.json and the source strings'
// l10n/bundle.l10n.zh-cn.json alike: Chinese text, and every part that must stay literal kept.
import MarkdownIt from 'markdown-it';

/**
 * The only values a translation may leave as they are: the product's name, proper names and terms that Kubernetes'
 * Chinese documentation keeps in English. Every other Chinese value must differ from the English one and hold Chinese text.
 */
const PROPER_NAMES: ReadonlySet<string> = new Set(['Cluster Credentials']);

/** Terms Kubernetes' Chinese documentation writes in English; a message of only these (and placeholders) may stay as it is. */
const KEPT_TERMS =
  /\b(?:Cluster Credentials|Pods?|Secrets?|kubeconfig|kubelet|kubectl|ServiceAccount|TokenRequest|TokenReview|SelfSubjectReview|Deployment|ReplicaSet|StatefulSet|DaemonSet|PVC|PersistentVolumeClaim|JWT|JWKS|OIDC|API|IP|TLS|CA|RBAC|EKS|AKS|GKE|Rancher|Multus|exec|jti|iss|aud|sub|exp|iat|nbf|UID|URL|ms|s|KB|MB)\b/g;

/** The Latin words of a text, in order: what must stay when only punctuation may change. */
const words = (text: string): string => (text.match(/[A-Za-z]+/g) ?? []).join(' ');

/** Whether nothing of the English would change in Chinese: placeholders, code, numbers and kept terms only. */
function nothingToTranslate(source: string): boolean {
  return !/[A-Za-z]/.test(
    source
      .replace(/\{[^}]*\}/g, '')
      .replace(/`[^`\n]+`/g, '')
      .replace(KEPT_TERMS, ''),
  );
}

/** What a translation must carry over unchanged, by kind. */
const LITERAL_KINDS: Record<string, RegExp> = {
  'format placeholder': /\{\d+\}/g,
  'named placeholder': /(?<!\$)\{[A-Za-z_]\w*\}/g,
  'variable placeholder': /\$\{[^}]*\}/g,
  'code span': /`[^`\n]+`/g,
  'command link': /\(command:[^)\s]+\)/g,
  'setting or command name': /\bclusterCredentials(?:\.\w+)+/g,
  'line break': /\n/g,
};

const markdown = new MarkdownIt({ html: false });

/** Differences in the literal parts of a translation, one sentence each; empty when it keeps all of them. */
export function literalMismatches(key: string, source: string, translation: string): string[] {
  const problems: string[] = [];
  for (const [kind, pattern] of Object.entries(LITERAL_KINDS)) {
    const inSource = [...source.matchAll(pattern)].map((m) => m[0]).sort();
    const inTranslation = [...translation.matchAll(pattern)].map((m) => m[0]).sort();
    if (inSource.length !== inTranslation.length) problems.push(`${key}: ${inSource.length} ${kind}(s) in English, ${inTranslation.length} in the translation`);
    else if (inSource.join('\u0000') !== inTranslation.join('\u0000'))
      problems.push(`${key}: ${kind}s differ: ${JSON.stringify(inSource)} vs ${JSON.stringify(inTranslation)}`);
  }
  // `**` next to CJK punctuation may not close (CommonMark flanking rules): count what really renders bold.
  const bold = (text: string): number => (markdown.renderInline(text).match(/<strong>/g) ?? []).length;
  if (bold(source) !== bold(translation)) problems.push(`${key}: ${bold(source)} bold span(s) render in English, ${bold(translation)} in the translation`);
  return problems;
}

/** Why a translated value is not a translation; undefined when it is one. */
export function untranslated(source: string, translation: string): string | undefined {
  if (translation.trim() === '') return 'is empty';
  if (PROPER_NAMES.has(source) && translation === source) return undefined;
  if (nothingToTranslate(source))
    return words(translation) === words(source) || /\p{Script=Han}/u.test(translation)
      ? undefined
      : 'changes the words of a message that has nothing to translate';
  if (translation === source) return 'is the English text';
  if (!/\p{Script=Han}/u.test(translation)) return 'holds no Chinese text';
  return undefined;
}
