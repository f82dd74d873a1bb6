/* cmi5 AU runtime adapter (cmi5 Quartz 7-11). Launch, LMS.LaunchData, the statement rules and why a failed
 * attempt is reported when its session ends: docs/universities.md, "The cmi5 AU". */
(function () {
  'use strict';
  var QR = window.QR, X = QR.xapi, C5 = 'https://w3id.org/xapi/cmi5/', CAT = C5 + 'context/categories/',
    JUDGED = {completed: 1, passed: 1, failed: 1}, VERDICT = {passed: 1, failed: 1};

  QR.registerRuntime('cmi5', function (ctx) {
    var p = new URLSearchParams(location.search),
      q = {activityId: p.get('activityId'), registration: p.get('registration')},
      missing = ['endpoint', 'fetch', 'actor', 'registration', 'activityId'].filter(k => !p.get(k)),
      m = ctx.data.modules.filter(x => x.id == ctx.launch.scope)[0] || ctx.data.modules[0],
      client, tr, own, ld, mode, mastery, my = {d: {}}, sent = {}, pending = null, ended = false, told = false;
    if (missing.length == 5) return QR.getRuntime('standalone')(ctx);

    function stop(text) { // shown to the learner, then the player runs without an LMS
      ctx.notify(ctx.t('lms_launch_error', {error: text}));
      return new Error('cmi5 launch: ' + text);
    }
    // A cmi5 defined statement about the AU (9.3, 9.5, 9.6), unless a rule forbids it.
    function defined(verb, result, at) {
      var d = my.d;
      if (ended || sent[verb] || JUDGED[verb] && mode != 'normal' || d.passed && verb != 'completed' && VERDICT[verb] ||
        verb == 'completed' && d.completed || VERDICT[verb] && (sent.passed || sent.failed)) return;
      var s = tr.statement(verb, tr.o.root, result, null, [CAT + 'cmi5'].concat(JUDGED[verb] ? [CAT + 'moveon'] : []));
      if (VERDICT[verb] && mastery != null) s.context.extensions[C5 + 'context/extensions/masteryscore'] = mastery;
      if (at) s.timestamp = at;
      sent[verb] = 1;
      tr.send(s);
      if (!JUDGED[verb]) return;
      d[verb] = 1;
      own.put(my); // remembered for the registration at once
      moved();
    }
    function moved() { // LaunchData's moveOn met: the learner may go back to the LMS
      var d = my.d;
      if (!told && mode == 'normal' && {NotApplicable: 1, Completed: d.completed, Passed: d.passed,
        CompletedAndPassed: d.completed && d.passed, CompletedOrPassed: d.completed || d.passed}[ld.moveOn]) {
        told = ctx.notify(ctx.t('lms_done')) || 1;
      }
    }
    function closing(keepalive) { // the session's last verdict and the state, before terminated ends the token
      if (pending) defined('failed', pending.r, pending.at);
      pending = null;
      return own.put(my, keepalive);
    }
    function terminate() {
      defined('terminated', {duration: X.duration(Date.now() - tr.o.t0)});
      ended = true;
    }
    async function exit() {
      if (ended) return;
      await closing();
      terminate();
      if (await client.flush()) client.close();
      if (ld.returnURL) location.assign(ld.returnURL);
      else ctx.notify(ctx.t('lms_closed'));
    }

    return {
      start: async function () {
        if (missing.length) throw stop('missing ' + missing.join(', '));
        var actor = X.agent(p.get('actor')), r, token = {};
        q.agent = JSON.stringify(actor);
        try { // 8.2: POST once; an error is HTTP 200 with error-code and error-text
          r = await fetch(p.get('fetch'), {method: 'POST', credentials: 'omit', cache: 'no-store'});
          token = await r.json();
        } catch (e) { if (!r) throw stop(String(e)); }
        if (!token['auth-token']) {
          throw stop(token['error-code'] ? token['error-code'] + ' ' + token['error-text'] : 'HTTP ' + r.status);
        }
        client = new X.Client({endpoint: p.get('endpoint'), auth: 'Basic ' + token['auth-token'], log: ctx.log,
          onAside: X.reporter(ctx)});
        own = new X.Doc(client, 'activities/state', Object.assign({stateId: 'qualityrights-progress'}, q));
        try {
          ld = await new X.Doc(client, 'activities/state', Object.assign({stateId: 'LMS.LaunchData'}, q)).get();
          if (!ld || !ld.contextTemplate) throw new Error('LMS.LaunchData has no contextTemplate');
          Object.assign(my, await own.get());
        } catch (e) { throw stop(e.message); }
        // 11: learner preferences; the LMS may answer 403, which is no error
        r = await client.req('GET', 'agents/profile', {agent: q.agent, profileId: 'cmi5LearnerPreferences'});
        if (r.status == 200 && /"audioPreference"\s*:\s*"off"/.test(r.text)) {
          document.addEventListener('play', e => { e.target.muted = true; }, true);
        }
        mode = String(ld.launchMode || 'Normal').toLowerCase();
        if (typeof ld.masteryScore == 'number' && m.quiz) mastery = m.masteryScore = ld.masteryScore;
        var base = X.key(client.ep, actor, q.registration);
        var session = (ld.contextTemplate.extensions || {})[C5 + 'context/extensions/sessionid'] || X.uuid();
        client.queue(base + ':' + session, false, {actor: actor, registration: q.registration});
        client.adopt(base + ':');
        tr = new X.Tracker(ctx, {client: client, actor: actor, registration: q.registration, scope: m.id,
          root: X.root(ctx, q.activityId), platform: 'QualityRights', template: ld.contextTemplate});
        defined('initialized');
        moved();
        var b = Object.assign(document.createElement('button'), {type: 'button', className: 'qr-btn qr-sec qr-exit',
          textContent: ctx.t('lms_exit'), onclick: () => { b.disabled = true; exit(); }});
        (document.querySelector('.qr-bar') || document.body).append(b);
        return {state: my.s || null, location: my.l || null, mode: mode, credit: true, standalone: false,
          learnerName: actor.name || null, notice: null};
      },
      pageViewed: (mm, pg) => ended || tr.pageViewed(mm, pg),
      surveyAnswered: (mm, item, v) => ended || tr.surveyAnswered(mm, item, v),
      quizAnswered: function (mm, qq, a) {
        if (ended) return;
        tr.quizAnswered(mm, qq, a);
        // the attempt's tally (kept in the AU state: an attempt may span sessions)
        var k = my.k = my.k && my.k.a == a.attempt ? my.k : {a: a.attempt, c: {}}, n = mm.quiz.questions.length, c = 0;
        k.c[qq.id] = a.correct ? 1 : 0;
        for (var id in k.c) c += k.c[id];
        if (Object.keys(k.c).length == n && c / n < mm.masteryScore - 1e-9) {
          pending = {at: new Date().toISOString(), r: {score: {scaled: Math.floor(c / n * 1e4 + 1e-6) / 1e4, raw: c,
            min: 0, max: n}, success: false, duration: X.duration(Date.now() - tr.o.t0)}};
        }
      },
      moduleResult: function (mm, r) {
        var dur = X.duration(r.seconds * 1e3);
        if (r.completed) defined('completed', {completion: true, duration: dur});
        if (r.passed == null) return;
        pending = null;
        defined(r.passed ? 'passed' : 'failed', {score: tr.score(mm, r), success: r.passed, duration: dur});
      },
      save: function (s, l) {
        my.s = s;
        my.l = l;
        if (!ended) own.put(my);
      },
      finish: function () { // pagehide: requests that outlive the page
        if (!tr || ended) return;
        closing(true);
        terminate();
        client.close();
      }
    };
  });
})();
