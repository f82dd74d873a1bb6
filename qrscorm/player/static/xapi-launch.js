/* What launched packages (xAPI, cmi5) add to xapi-client.js: the actor, ended sessions, documents, reports. */
(function () {
  'use strict';
  var X = window.QR.xapi, P = 'qr-xapi:';

  // An Agent from a launch parameter, also in the old TinCan form (arrays; account {accountServiceHomePage,
  // accountName}); one inverse functional identifier is kept (Data 2.4.2.3).
  X.agent = function (json) {
    var a = JSON.parse(json || '{}'), one = v => Array.isArray(v) ? v[0] : v, o = {objectType: 'Agent'},
      acc = one(a.account), mbox = one(a.mbox);
    if (one(a.name)) o.name = String(one(a.name));
    if (mbox) o.mbox = /^mailto:/i.test(mbox) ? mbox : 'mailto:' + mbox;
    else if (one(a.mbox_sha1sum)) o.mbox_sha1sum = one(a.mbox_sha1sum);
    else if (one(a.openid)) o.openid = one(a.openid);
    else if (acc && (acc.homePage || acc.accountServiceHomePage)) {
      o.account = {homePage: acc.homePage || acc.accountServiceHomePage, name: String(acc.name || acc.accountName)};
    } else throw new Error('actor: no mbox, mbox_sha1sum, openid or account');
    return o;
  };
  // Leftovers of ended sessions of this learner and registration: their token has ended, so set them aside.
  X.Client.prototype.adopt = function (prefix) {
    try {
      for (var i = localStorage.length; i--;) {
        var k = localStorage.key(i), old = k.indexOf(P + 'q:' + prefix) == 0 && k != this.qk && X.read(k);
        if (!old || old.m.keep) continue;
        old.s.forEach(st => this.aside(st, {status: 'unsent', text: ''},
          'its session ended while the LRS was unreachable'));
        X.write(k, null);
      }
    } catch (e) { /* no storage: nothing was left */ }
  };
  // A JSON document (State, Agent Profile) and its ETag; put() sends the latest value, retrying failures.
  X.Doc = function (client, path, query) { Object.assign(this, {c: client, path: path, query: query, etag: null}); };
  var Dp = X.Doc.prototype;
  Dp.get = async function () {
    for (var i = 0; ; i++) {
      var r = await this.c.req('GET', this.path, this.query);
      if (r.status == 200) { this.etag = r.etag; return JSON.parse(r.text); }
      if (r.status == 404) return null;
      if (i == 2 || r.status && r.status < 500 && r.status != 429) {
        throw new Error(this.query.stateId + ': HTTP ' + r.status + ' ' + r.text.slice(0, 200));
      }
      await new Promise(ok => setTimeout(ok, 1e3 * (i + 1)));
    }
  };
  Dp.put = function (value, keepalive) {
    var d = this, text = JSON.stringify(value);
    if (text == d.sent && !d.want) return d.run || Promise.resolve();
    d.want = text;
    if (keepalive) return d.once(true);
    return d.run || (d.run = (async function () {
      for (var wait = 1e3; d.want; wait = Math.min(6e4, wait * 2)) {
        if (!await d.once()) await new Promise(ok => setTimeout(ok, wait));
      }
      d.run = null;
    })());
  };
  Dp.once = async function (keepalive) {
    var text = this.want, r = await this.c.req('PUT', this.path, this.query, JSON.parse(text),
      this.etag ? {'If-Match': this.etag} : {'If-None-Match': '*'}, keepalive);
    if (r.status == 412) { // written elsewhere since we read it: take its ETag; this session's value wins
      var g = await this.c.req('GET', this.path, this.query);
      this.etag = g.status == 200 ? g.etag : null;
    } else if (r.status > 199 && r.status < 300) {
      this.etag = r.etag || this.etag;
      this.sent = text;
      if (this.want == text) this.want = null;
      return true;
    } else this.c.o.log('PUT ' + this.query.stateId + ': ' + r.status + ' ' + String(r.text).slice(0, 200));
    return false;
  };

  // Tell the learner of set-aside records (one notice, kept up to date), with a link to the diagnostics page.
  X.reporter = ctx => {
    var p;
    return function (n) {
      if (!p) { ctx.notify(''); p = document.querySelector('.qr-notes p:last-child') || document.createElement('p'); }
      var a = Object.assign(document.createElement('a'), {href: 'player/diagnostics.html', target: '_blank',
        textContent: ctx.t('records_details')});
      p.replaceChildren(ctx.t('records_set_aside', {count: n}) + ' ', a);
    };
  };
})();
