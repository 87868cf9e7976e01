/** Typed errors of metadata parsing, validation and merging. */

/** Why a metadata document was refused. */
export const MetadataErrorCode = {
  /** Not well-formed XML, a DOCTYPE, or an unsupported encoding. */
  MalformedXml: 'MalformedXml',
  /** The root element is not `<recording>` (or `<requestsnapshot>`) in a known namespace. */
  WrongRoot: 'WrongRoot',
  /** An element lacks its required id attribute. */
  MissingId: 'MissingId',
  /** Two objects of one kind share an id. */
  DuplicateId: 'DuplicateId',
  /** A complete document (or a merge result) refers to an id it does not define. */
  DanglingReference: 'DanglingReference',
  /** `<datamode>` is neither `complete` nor `partial`. */
  InvalidDataMode: 'InvalidDataMode',
  /** The document is larger than the `maxBytes` limit. */
  TooLarge: 'TooLarge',
  /** The document has more elements than the `maxElements` limit. */
  TooManyElements: 'TooManyElements',
  /** A merge was asked with the wrong data modes (base must be complete). */
  InvalidMerge: 'InvalidMerge',
} as const;

/** One of the {@link MetadataErrorCode} values. */
export type MetadataErrorCode = (typeof MetadataErrorCode)[keyof typeof MetadataErrorCode];

/**
 * Error raised by the metadata parser, validator and merger.
 * `reason` is short and fit for a SIP 400 reason phrase.
 */
export class MetadataError extends Error {
  /** Machine-readable cause. */
  readonly code: MetadataErrorCode;
  /** Short text fit for a SIP reason phrase (no CR/LF). */
  readonly reason: string;

  /**
   * @param code - what went wrong
   * @param reason - short human text for a reason phrase
   * @param detail - longer detail for the message, optional
   */
  constructor(code: MetadataErrorCode, reason: string, detail?: string) {
    super(detail ? `${reason}: ${detail}` : reason);
    this.name = 'MetadataError';
    this.code = code;
    this.reason = reason.replace(/[\r\n]+/g, ' ');
  }
}
