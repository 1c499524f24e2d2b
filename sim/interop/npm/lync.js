// A Lync-dialect endpoint on the npm "sip" stack (kirm/sip.js 0.0.6), a SIP implementation nobody on
// ucssim wrote: REGISTER, SUBSCRIBE roaming-contacts with Supported: ms-ucs, SERVICE setContact, the
// BENOTIFY delta, sign-out. Prints one JSON object of what it saw; the Go spec asserts on it.
// usage: node lync.js HOST:PORT alias@domain
'use strict';
const net = require('net');
const sip = require('sip');

const [hostport, user] = process.argv.slice(2);
const [host, port] = hostport.split(':');
const domain = user.split('@')[1];
const me = 'sip:' + user;
const epid = 'a1b2c3d4e5';
const rnd = () => Math.floor(Math.random() * 1e9).toString(16);
const route = [{ uri: `sip:${host}:${port};transport=tcp;lr` }];
const seen = { benotify: [] };
let gotDelta;
const delta = new Promise((resolve) => { gotDelta = resolve; });

// The stack must listen on a fixed port (it writes it into Via), so ask the kernel for a free one first:
// a random pick collided with another package's port-0 listener under go test's parallel packages (EADDRINUSE).
const freePort = () => new Promise((resolve, reject) => {
  const srv = net.createServer();
  srv.once('error', reject);
  srv.listen(0, '127.0.0.1', () => { const { port } = srv.address(); srv.close(() => resolve(port)); });
});

const onRequest = (req) => {
  if (req.method === 'BENOTIFY') { // never answered [MS-SIP 3.5]
    seen.benotify.push({ event: req.headers.event, body: req.content });
    gotDelta();
    return;
  }
  sip.send(sip.makeResponse(req, 200, 'OK'));
};
// publicAddress keeps the stack from taking 127.0.0.1 routes for its own flow tokens
const startStack = (lport) => sip.start({ port: lport, address: '127.0.0.1', publicAddress: 'localhost', udp: false, tcp: true, logger: {} }, onRequest);

const from = () => ({ uri: me, params: { tag: rnd(), epid } });
const send = (m) => new Promise((resolve) => sip.send(m, (r) => { if (r.status >= 200) resolve(r); }));
const timeout = (p, ms, what) => Promise.race([p, new Promise((_, reject) => setTimeout(() => reject(new Error('timed out waiting for ' + what)), ms))]);
const summary = (r) => ({ status: r.status, reason: r.reason, headers: r.headers, body: r.content || '' });

(async () => {
  startStack(await freePort());
  const callId = rnd() + '@ucssim-interop';
  const reg = await send({ method: 'REGISTER', uri: `sip:${domain}`, headers: {
    to: { uri: me }, from: from(), 'call-id': callId, cseq: { method: 'REGISTER', seq: 1 },
    contact: [{ uri: `sip:127.0.0.1;transport=tcp`, params: { '+sip.instance': '"<urn:uuid:5f2d3b1e-0000-4000-8000-51bb0e5c0199>"' } }],
    supported: 'gruu-10, adhoclist, msrtc-event-categories, com.microsoft.msrtc.presence', event: 'registration',
    route, 'content-length': 0 } });
  seen.register = summary(reg);
  const c = (reg.headers.contact || [])[0];
  const gruu = c && c.params && c.params.gruu ? c.params.gruu.replace(/"/g, '') : me;

  const sub = await send({ method: 'SUBSCRIBE', uri: me, headers: {
    to: { uri: me }, from: from(), 'call-id': rnd(), cseq: { method: 'SUBSCRIBE', seq: 1 },
    contact: [{ uri: gruu }], event: 'vnd-microsoft-roaming-contacts', accept: 'application/vnd-microsoft-roaming-contacts+xml',
    supported: 'com.microsoft.autoextend, ms-benotify, ms-piggyback-first-notify, ms-ucs', 'proxy-require': 'ms-benotify',
    route, 'content-length': 0 } });
  seen.subscribe = summary(sub);

  const soap = '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>' +
    '<m:setContact xmlns:m="http://schemas.microsoft.com/winrtc/2002/11/sip"><m:displayName>Node Test</m:displayName>' +
    `<m:groups>1</m:groups><m:subscribed>true</m:subscribed><m:URI>sip:node.test@${domain}</m:URI><m:deltaNum>1</m:deltaNum>` +
    '</m:setContact></s:Body></s:Envelope>';
  const svc = await send({ method: 'SERVICE', uri: me, headers: {
    to: { uri: me }, from: from(), 'call-id': rnd(), cseq: { method: 'SERVICE', seq: 1 }, contact: [{ uri: gruu }],
    'content-type': 'application/SOAP+xml', route }, content: soap });
  seen.service = summary(svc);
  await timeout(delta, 10000, 'the BENOTIFY delta');

  const unreg = await send({ method: 'REGISTER', uri: `sip:${domain}`, headers: {
    to: { uri: me }, from: from(), 'call-id': callId, cseq: { method: 'REGISTER', seq: 2 },
    contact: [{ uri: `sip:127.0.0.1;transport=tcp` }], expires: 0, route } });
  seen.unregister = summary(unreg);
  console.log(JSON.stringify(seen));
  sip.stop();
  process.exit(0); // the stack keeps transaction timers alive
})().catch((e) => { console.error(e.stack || String(e)); console.log(JSON.stringify(seen)); sip.stop(); process.exit(1); });
