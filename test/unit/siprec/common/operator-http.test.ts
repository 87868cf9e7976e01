import t from 'tap';
import { startOperatorHttp, type HttpRoute } from '../../../../lib/siprec/common/operator-http.js';

t.test('routes are tried in order; unclaimed is 404; only GET/HEAD; a throwing route is a bare 500', async (t) => {
  const seen: string[] = [];
  const first: HttpRoute = (_req, res, url) => {
    seen.push(url.pathname);
    if (url.pathname !== '/a') return false;
    res.writeHead(200, { 'content-type': 'text/plain' }).end('A');
    return true;
  };
  const boom: HttpRoute = (_req, _res, url) => {
    if (url.pathname === '/boom') throw new Error('secret /path');
    return false;
  };
  const srv = await startOperatorHttp({ port: 0 }, [first, boom]);
  t.teardown(() => srv.close());
  t.equal(srv.address.host, '127.0.0.1', 'loopback by default');
  const a = await fetch(`${srv.url}/a`);
  t.equal(a.status, 200);
  t.equal(await a.text(), 'A');
  t.equal((await fetch(`${srv.url}/nothing`)).status, 404);
  const b = await fetch(`${srv.url}/boom`);
  t.equal(b.status, 500);
  t.notMatch(await b.text(), /secret/, 'no error text leaks');
  const p = await fetch(`${srv.url}/a`, { method: 'POST', body: 'x' });
  t.equal(p.status, 405);
  t.equal(p.headers.get('allow'), 'GET, HEAD');
  t.same(seen, ['/a', '/nothing', '/boom']);
});
