// PEM framing (RFC 7468): finding BEGIN/END blocks in text without looking inside keys.

export interface PemBlock {
  /** The label after BEGIN, e.g. `CERTIFICATE`, `RSA PRIVATE KEY`. */
  label: string;
  /** Offset of `-----BEGIN` in the scanned text. */
  start: number;
  /** Offset just past the closing `-----END label-----`, or the end of the text when it is missing. */
  end: number;
  /** Text between the BEGIN and END lines (base64 with line breaks); empty for private keys. */
  body: string;
  /** False when the END line is missing or carries another label. */
  closed: boolean;
}

const BEGIN = '-----BEGIN ';
const DASHES = '-----';
const LABEL = /^[A-Z0-9][A-Z0-9 ]{0,40}$/;

export function isPrivateKeyLabel(label: string): boolean {
  return label.endsWith('PRIVATE KEY');
}

export function isCertificateLabel(label: string): boolean {
  return label === 'CERTIFICATE' || label === 'X509 CERTIFICATE' || label === 'TRUSTED CERTIFICATE';
}

export function hasPemBegin(text: string): boolean {
  return text.includes(BEGIN);
}

/** Every BEGIN block in `text`, in order. Private-key bodies are never copied out. */
export function pemBlocks(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  let from = 0;
  for (;;) {
    const start = text.indexOf(BEGIN, from);
    if (start < 0) break;
    const labelStart = start + BEGIN.length;
    const labelEnd = text.indexOf(DASHES, labelStart);
    const label = labelEnd < 0 ? '' : text.slice(labelStart, labelEnd);
    if (labelEnd < 0 || !LABEL.test(label)) {
      from = labelStart;
      continue;
    }
    const bodyStart = labelEnd + DASHES.length;
    const endMarker = `-----END ${label}-----`;
    const nextBegin = text.indexOf(BEGIN, bodyStart);
    const limit = nextBegin >= 0 ? nextBegin : text.length;
    // Searching only up to the next BEGIN keeps text with many unclosed blocks linear.
    const inBlock = text.slice(bodyStart, limit).indexOf(endMarker);
    const closed = inBlock >= 0;
    const endAt = bodyStart + inBlock;
    const bodyEnd = closed ? endAt : limit;
    const end = closed ? endAt + endMarker.length : bodyEnd;
    const body = isPrivateKeyLabel(label) ? '' : text.slice(bodyStart, bodyEnd);
    blocks.push({ label, start, end, body, closed });
    from = end > start ? end : labelStart;
  }
  return blocks;
}
