/** Media primitives for SIPREC: RTP/RTCP, G.711, WAV, RTP rewriting and receiving, UDP endpoints, a synthetic call. */
export * from './errors.js';
export * from './rtp.js';
export * from './rtcp.js';
export * from './rtcp-interval.js';
export * from './g711.js';
export * from './wav-format.js';
export * from './wav-writer.js';
export * from './rtp-sequence.js';
export * from './rtp-receiver.js';
export * from './rtp-stats.js';
export * from './stereo-sink.js';
export * from './pcm-tap.js';
export * from './synthetic-call.js';
export * from './port-allocator.js';
export * from './rtp-endpoint.js';
