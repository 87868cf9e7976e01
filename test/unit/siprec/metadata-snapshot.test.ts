import t from 'tap';
import { expectCode } from './helpers.js';
import {
  buildSnapshotRequest, MetadataErrorCode, parseSnapshotRequest, RECORDING_NS, SNAPSHOT_REQUEST_CONTENT_TYPE,
} from '../../../lib/siprec/metadata/index.js';

t.test('snapshot request round trip', async (t) => {
  const xml = buildSnapshotRequest('SRS internal error & restart', 'en');
  t.match(xml, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<requestsnapshot xmlns="urn:ietf:params:xml:ns:recording:1">/);
  t.match(xml, /<requestreason xml:lang="en">SRS internal error &amp; restart<\/requestreason>/);
  t.same(parseSnapshotRequest(xml), { reason: 'SRS internal error & restart', lang: 'en' });
  t.same(parseSnapshotRequest(buildSnapshotRequest('x')), { reason: 'x' });
  t.equal(SNAPSHOT_REQUEST_CONTENT_TYPE, 'application/rs-metadata-request');
});

t.test('snapshot request tolerance and errors', async (t) => {
  t.same(parseSnapshotRequest(Buffer.from(`<p:requestsnapshot xmlns:p="${RECORDING_NS}"><p:requestreason>lost state</p:requestreason></p:requestsnapshot>`)), { reason: 'lost state' });
  t.same(parseSnapshotRequest(`<requestsnapshot xmlns="${RECORDING_NS}"/>`), { reason: '' });
  expectCode(t, () => parseSnapshotRequest(`<recording xmlns="${RECORDING_NS}"/>`), MetadataErrorCode.WrongRoot, 'WrongRoot');
  expectCode(t, () => parseSnapshotRequest('<requestsnapshot>'), MetadataErrorCode.MalformedXml, 'MalformedXml');
  expectCode(t, () => parseSnapshotRequest(buildSnapshotRequest('x'.repeat(500)), 100), MetadataErrorCode.TooLarge, 'TooLarge');
});
