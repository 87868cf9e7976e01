import { buildMetadata, MetadataBuilder, parseMetadata } from './lib/siprec/metadata/index.js';
const b = new MetadataBuilder({ callId: 'a84b4c76e66710@pc33.atlanta.com', sipSessionIds: ['ab30317f1a784dc48ff824d0d3715d86;remote=47755a9de7794ba387653f2099600ef2'],
  participants: [{ key: 'caller', aor: 'sip:alice@atlanta.com', name: 'Alice' }, { key: 'callee', aor: 'sip:bob@biloxi.com', name: 'Bob' }],
  streams: [{ label: '1', sender: 'caller' }, { label: '2', sender: 'callee' }] });
const xml = buildMetadata(b.complete());
console.log(xml);
for (let i = 0; i < 30000; i++) parseMetadata(xml);
