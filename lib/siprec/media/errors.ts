/** Typed errors of the media primitives. */

/** Why a media operation failed. */
export const MediaErrorCode = {
  /** Fewer bytes than the RTP/RTCP header needs. */
  PacketTooShort: 'PacketTooShort',
  /** RTP/RTCP version is not 2. */
  BadVersion: 'BadVersion',
  /** Padding count is zero or larger than the packet. */
  BadPadding: 'BadPadding',
  /** Header extension runs past the end of the packet. */
  BadExtension: 'BadExtension',
  /** RTCP length field or report count inconsistent with the packet. */
  BadRtcp: 'BadRtcp',
  /** A field value out of range when building a packet. */
  InvalidField: 'InvalidField',
  /** A WAV file is not RIFF/WAVE PCM or is too damaged to repair. */
  BadWav: 'BadWav',
  /** The WAV file to create already exists (never overwritten). */
  FileExists: 'FileExists',
  /** The WAV data would pass the 4 GiB RIFF limit. */
  WavTooLarge: 'WavTooLarge',
  /** Writing to a closed writer or sending on a closed endpoint. */
  Closed: 'Closed',
  /** No free even RTP port left in the range (an SRS answers 503). */
  PortsExhausted: 'PortsExhausted',
} as const;

/** One of the {@link MediaErrorCode} values. */
export type MediaErrorCode = (typeof MediaErrorCode)[keyof typeof MediaErrorCode];

/** Error raised by the RTP, RTCP, WAV and port primitives. */
export class MediaError extends Error {
  /** Machine-readable cause. */
  readonly code: MediaErrorCode;

  /**
   * @param code - what went wrong
   * @param message - human text
   */
  constructor(code: MediaErrorCode, message: string) {
    super(message);
    this.name = 'MediaError';
    this.code = code;
  }
}
