/** The package entry exposes the API, the stack, the message model and SIPREC by name. */
import t from 'tap';
import * as tsip from '../../../lib/index.js';

t.test('public entry points', async (t) => {
  const classes = ['SipClient', 'SipConnection', 'RegistrationBinding', 'InviteDialogAssoc', 'SubscribeDialogAssoc', 'ReferDialogAssoc',
    'NotifyDialogAssoc', 'Refresh', 'HttpDigest', 'MessageElements', 'RequestElements', 'ResponseElements', 'SipStack', 'SipError',
    'SrcManager', 'Srs', 'MetadataBuilder', 'SipRequest', 'SipResponse', 'SipUri', 'FakeClock'];
  for (const name of classes) t.equal(typeof (tsip as Record<string, unknown>)[name], 'function', `${name} is exported`);
  for (const name of ['parseMessage', 'serializeMessage', 'parseMetadata', 'buildMetadata', 'parseSdp']) {
    t.equal(typeof (tsip as Record<string, unknown>)[name], 'function', `${name}() is exported`);
  }
  t.equal(tsip.SipErrorCode.ObjectDisposed, 'ObjectDisposed');
  t.equal(tsip.ConnectionState.Active, 'Active');
  t.ok(Object.keys(tsip.RecordingEndReason).length > 3, 'RecordingEndReason values');
  const msg = tsip.parseMessage('OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nTo: <sip:a@b>\r\nFrom: <sip:c@d>;tag=1\r\nCall-ID: x\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n');
  t.ok(msg instanceof tsip.SipRequest, 'parseMessage returns the exported SipRequest class');
  // what parseUri returns for a scheme other than sip/sips/tel can be told apart by its class
  const uri: tsip.Uri = tsip.parseUri('https://example.com/x');
  t.ok(uri instanceof tsip.AbsoluteUri, 'parseUri returns the exported AbsoluteUri for https:');
  // the keys of SipStack.stats().transport.dropped, by name
  t.equal(tsip.DropReason.TooLarge, 'tooLarge');
});
