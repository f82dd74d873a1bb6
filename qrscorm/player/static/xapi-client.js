/* xAPI 1.0.3 client (QR.xapi) of the xAPI, cmi5 and forwarding adapters: statements from the player's events, sent
 * through a queue in localStorage that loses nothing (docs/universities.md, "How the player talks to an LRS"). */
(function () {
  'use strict';
  var QR = window.QR, X = QR.xapi = {}, P = 'qr-xapi:', ADL = 'http://adlnet.gov/expapi/',
    QRX = 'https://qualityrights.who.int/xapi/extensions/';
  X.VERSION_EXT = QRX + 'course-version';
  X.LAUNCH_EXT = QRX + 'launch-parameters';

  X.uuid = function () {
    var b = crypto.getRandomValues(new Uint8Array(16)), h = '';
    b[6] = b[6] & 15 | 64;
    b[8] = b[8] & 63 | 128;
    b.forEach((x, i) => { h += (i == 4 || i == 6 || i == 8 || i == 10 ? '-' : '') + (x + 256).toString(16).slice(1); });
    return h;
  };
  // ISO 8601 duration to the hundredth of a second (Data 4.6): PT1H2M3.04S
  X.duration = function (ms) {
    var cs = Math.max(0, Math.round(ms / 10)), s = Math.floor(cs / 100), f = cs % 100;
    return 'PT' + (s >= 3600 ? Math.floor(s / 3600) + 'H' : '') + (s >= 60 ? Math.floor(s / 60) % 60 + 'M' : '') +
      s % 60 + (f ? '.' + (f < 10 ? '0' : '') + f : '') + 'S';
  };
  // Queue id of a learner and registration at an endpoint (FNV-1a of the three)
  X.key = function (endpoint, a, reg) {
    var s = endpoint + '|' + (a.mbox || a.mbox_sha1sum || a.openid || a.account.homePage + '|' + a.account.name) +
      '|' + (reg || ''), h = 2166136261;
    for (var i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
    return (h >>> 0).toString(36);
  };
  var read = X.read = function (k) { try { return JSON.parse(localStorage.getItem(k)); } catch (e) { return null; } },
    write = X.write = function (k, v) {
      try {
        if (v) localStorage.setItem(k, JSON.stringify(v)); else localStorage.removeItem(k);
      } catch (e) { /* kept in memory */ }
    };

  // ---- the client: o = {endpoint, auth, lang (Accept-Language), log(msg), onAside(count)}
  function Client(o) {
    this.o = o;
    this.ep = o.endpoint.replace(/\/*$/, '/');
    this.q = [];
    this.fails = this.one = this.busy = 0;
    addEventListener('online', () => { if (this.qk) this.flush(); });
  }
  X.Client = Client;
  var C = Client.prototype;
  C.req = async function (method, path, query, body, headers, keepalive) {
    var ctl = new AbortController(), timer = setTimeout(() => ctl.abort(), 20000);
    try {
      var r = await fetch(this.ep + path + (query ? '?' + new URLSearchParams(query) : ''), {method: method,
        headers: Object.assign({'X-Experience-API-Version': '1.0.3', Authorization: this.o.auth},
          this.o.lang && {'Accept-Language': this.o.lang}, body && {'Content-Type': 'application/json'}, headers),
        body: body && JSON.stringify(body), keepalive: !!keepalive, signal: ctl.signal, credentials: 'omit',
        cache: 'no-store'});
      return {status: r.status, text: await r.text(), etag: r.headers.get('ETag'), retry: r.headers.get('Retry-After')};
    } catch (e) {
      return {status: 0, text: String(e)};
    } finally { clearTimeout(timer); }
  };
  // Use queue ``id``; keep: it outlives the session (SCORM forwarding) and is sent again at later launches.
  C.queue = function (id, keep, meta) {
    var old = read(P + 'q:' + id);
    this.qk = P + 'q:' + id;
    this.ak = P + 'x:' + id.split(':')[0];
    this.keep = keep;
    this.meta = Object.assign({endpoint: this.ep, keep: keep}, meta);
    this.q = old && old.s || [];
    if (this.q.length) this.flush();
  };
  C.save = function () { write(this.qk, this.q.length && {m: this.meta, s: this.q}); };
  C.send = function (statements) {
    this.q = this.q.concat(statements);
    this.save();
    return this.fails ? Promise.resolve(this.q.length) : this.flush(); // while backing off, the retry sends them
  };
  C.aside = function (st, r, why) {
    var a = read(this.ak) || {m: this.meta, s: []};
    a.s.push({statement: st, status: r.status, error: String(r.text).slice(0, 300), why: why,
      at: new Date().toISOString()});
    write(this.ak, a);
    this.o.log('statement ' + st.id + ' set aside: ' + r.status + ' ' + String(r.text).slice(0, 200));
    if (this.o.onAside) this.o.onAside(a.s.length);
  };
  C.flush = function () {
    var c = this;
    clearTimeout(c.timer);
    return c.run || (c.run = (async function () {
      while (c.q.length) {
        var batch = c.q.slice(0, c.one ? 1 : 50), r;
        c.busy = batch.length;
        r = await c.req('POST', 'statements', null, batch);
        c.busy = 0;
        if (r.status >= 200 && r.status < 300) {
          c.fails = 0;
          c.drop(batch, r.text);
        } else if (!r.status || r.status == 408 || r.status == 429 || r.status >= 500) {
          c.later(r);
          break;
        } else if (batch.length > 1) {
          c.one = batch.length; // refused (409 or other): one at a time, to find the statement it will not take
          continue;
        } else {
          c.aside(batch[0], r, 'refused by the LRS');
          c.drop(batch);
        }
        if (c.one) c.one--;
      }
      c.run = null;
      return c.q.length;
    })());
  };
  C.drop = function (batch, text) {
    var ids = null;
    try { ids = JSON.parse(text); } catch (e) { /* no list */ }
    ids = Array.isArray(ids) ? ids : batch.map(s => s.id);
    this.q = this.q.filter(s => ids.indexOf(s.id) < 0);
    this.save();
  };
  C.later = function (r) {
    var wait = Math.min(6e4, 1e3 * Math.pow(2, this.fails++)) * (0.8 + Math.random() * 0.4),
      ra = r.retry && (/^\d+$/.test(r.retry) ? r.retry * 1e3 : Date.parse(r.retry) - Date.now());
    wait = Math.max(wait, ra || 0);
    this.o.log('LRS: ' + (r.status || r.text) + '; ' + this.q.length + ' kept, retry in ' + Math.round(wait / 1e3) +
      ' s');
    this.timer = setTimeout(() => this.flush(), wait);
  };
  // The page closes: send the rest with keepalive (64 KiB at most; no answer can be read). A keep queue stays (the
  // LRS takes an equivalent resend as the same); another stays only if the LRS was failing.
  C.close = function () {
    var n = this.q.length;
    clearTimeout(this.timer);
    while (JSON.stringify(this.q.slice(0, n)).length * 3 > 6e4) n >>= 1; // one request, in order; UTF-8 <= 3x
    if (n) this.req('POST', 'statements', null, this.q.slice(0, n), null, true);
    if (this.keep || !this.q.length) return;
    if (!this.fails && navigator.onLine !== false) this.q = this.q.slice(n);
    this.save();
  };

  // ---- statements from the player's events: o = {client, actor, registration, root (launched activity), scope,
  //      grouping: [ids], platform, extensions, template: the cmi5 contextTemplate, never overwritten} ---------
  X.Tracker = function (ctx, o) {
    Object.assign(this, {ctx: ctx, o: o, D: ctx.data, lang: ctx.data.lang.code, sent: {}});
    o.t0 = Date.now();
  };
  var T = X.Tracker.prototype;
  T.lm = function (s) { var m = {}; m[this.lang] = String(s); return m; };
  T.module = function (m) {
    return this.o.scope ? this.o.root
      : {id: m.iri, definition: {type: ADL + 'activities/module', name: this.lm(m.title)}};
  };
  T.statement = function (verb, object, result, parent, category) {
    var o = this.o, c = JSON.parse(JSON.stringify(o.template || {})),
      ca = c.contextActivities = c.contextActivities || {},
      s = {id: X.uuid(), actor: o.actor, verb: {id: ADL + 'verbs/' + verb, display: {'en-US': verb}},
        object: Object.assign({objectType: 'Activity'}, object), context: c, timestamp: new Date().toISOString()};
    function add(list, ids) {
      ids.forEach(id => {
        ca[list] = ca[list] || [];
        if (id != object.id && !ca[list].some(a => a.id == id)) ca[list].push({id: id});
      });
    }
    add('parent', parent ? [parent] : []);
    add('grouping', [this.D.course.iri].concat(o.grouping || []));
    add('category', category || []);
    if (o.registration) c.registration = c.registration || o.registration;
    c.language = c.language || this.lang;
    c.platform = c.platform || o.platform;
    c.extensions = Object.assign({}, o.extensions, c.extensions);
    c.extensions[X.VERSION_EXT] = c.extensions[X.VERSION_EXT] || this.D.course.version;
    if (result) s.result = result;
    return s;
  };
  T.send = function (s) { return this.o.client.send([s]); };
  T.score = function (m, r) { // raw: the right answers, an integer (cmi5 9.5.1)
    var n = m.quiz.questions.length;
    return {scaled: r.scaled, raw: Math.round(r.scaled * n), min: 0, max: n};
  };
  T.initialized = function () { return this.send(this.statement('initialized', this.o.root)); };
  T.terminated = function () {
    return this.send(this.statement('terminated', this.o.root, {duration: X.duration(Date.now() - this.o.t0)}));
  };
  T.pageViewed = function (m, p) {
    return this.send(this.statement('experienced', {id: m.iri + '/pages/' + p.id,
      definition: {type: 'http://activitystrea.ms/schema/1.0/page', name: this.lm(p.title)}}, null, this.module(m).id));
  };
  T.quizAnswered = function (m, q, a) {
    var tf = q.type == 'true-false', def = {type: ADL + 'activities/cmi.interaction', name: this.lm(q.prompt),
      interactionType: tf ? 'true-false' : 'choice', correctResponsesPattern: [q.correct.join('[,]')]};
    if (!tf) def.choices = q.choices.map(c => ({id: c.id, description: this.lm(c.text)}));
    return this.send(this.statement('answered', {id: m.iri + '/questions/' + q.id, definition: def},
      {response: a.response.join('[,]'), success: !!a.correct}, this.module(m).id));
  };
  // "Prefer not to answer" (null) is an answered statement without a response.
  T.surveyAnswered = function (m, item, v) {
    var def = {type: ADL + 'activities/cmi.interaction', name: this.lm(item.text), interactionType: 'likert',
      scale: m.survey.scale.map(n => ({id: String(n), description: this.lm(this.ctx.t('likert_' + n))}))};
    return this.send(this.statement('answered', {id: m.iri + '/items/' + item.id, definition: def},
      v == null ? null : {response: String(v)}, this.module(m).id));
  };
  // completed, then passed or failed: once each per launch (the player reports a result only when it changes)
  T.result = function (object, r, score) {
    var dur = X.duration(r.seconds * 1e3 || 0), k = object.id;
    if (r.completed && !this.sent[k + 'c']) {
      this.sent[k + 'c'] = this.send(this.statement('completed', object, {completion: true, duration: dur}));
    }
    if (r.passed != null && !this.sent[k + 'p']) {
      this.sent[k + 'p'] = this.send(this.statement(r.passed ? 'passed' : 'failed', object,
        {score: score, success: r.passed, duration: dur}));
    }
  };
  T.moduleResult = function (m, r) { this.result(this.module(m), r, r.scaled == null ? null : this.score(m, r)); };
  T.courseResult = function (r) { // a scoped launch tracks one module: moduleResult said it all
    if (!this.o.scope) {
      this.result(this.o.root, r, r.scaled == null ? null : {scaled: r.scaled, raw: r.raw, min: 0, max: 100});
    }
  };
  // The launched activity: the course, or the module of a scoped launch.
  X.root = function (ctx, id) {
    var D = ctx.data, m = ctx.launch.scope && D.modules.filter(x => x.id == ctx.launch.scope)[0], name = {};
    name[D.lang.code] = m ? m.title : D.course.title;
    return {id: id || (m ? m.iri : D.course.iri),
      definition: {type: ADL + 'activities/' + (m ? 'module' : 'course'), name: name}};
  };
})();
