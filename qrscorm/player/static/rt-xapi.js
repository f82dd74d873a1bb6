/* xAPI (TinCan launch) runtime adapter: reads the launch parameters of lms_lrs.md (endpoint, auth, actor also in
 * the old array form, registration, activity_id, grouping, activity_platform, Accept-Language; any other
 * parameter is echoed in the context extension X.LAUNCH_EXT), sends initialized first, experienced, answered,
 * completed, passed/failed and terminated (xapi-client.js), and resumes from the State API. No endpoint: the
 * standalone runtime. */
(function () {
  'use strict';
  var QR = window.QR, X = QR.xapi, KNOWN = ['endpoint', 'auth', 'actor', 'registration', 'activity_id', 'grouping',
    'activity_platform', 'Accept-Language', 'content_token', 'content_endpoint'];

  QR.registerRuntime('xapi', function (ctx) {
    var p = new URLSearchParams(location.search), extra = {}, auth = p.get('auth') || '', reg = p.get('registration');
    if (!p.get('endpoint')) return QR.getRuntime('standalone')(ctx);
    p.forEach(function (v, k) { if (KNOWN.indexOf(k) < 0) extra[k] = v; });
    if (reg && !/^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/i.test(reg)) {
      throw new Error('launch parameter registration is not a UUID: ' + reg);
    }
    var actor = X.agent(p.get('actor')), ext = {}, client = new X.Client({endpoint: p.get('endpoint'),
        auth: /^\S+ /.test(auth) ? auth : 'Basic ' + auth, lang: p.get('Accept-Language'), log: ctx.log,
        onAside: X.reporter(ctx)}),
      root = X.root(ctx, p.get('activity_id')), base = X.key(client.ep, actor, reg);
    if (Object.keys(extra).length) ext[X.LAUNCH_EXT] = extra;
    var tr = new X.Tracker(ctx, {client: client, actor: actor, registration: reg, root: root, scope: ctx.launch.scope,
        grouping: p.get('grouping') ? [p.get('grouping')] : [], platform: p.get('activity_platform') || 'QualityRights',
        extensions: ext}),
      state = new X.Doc(client, 'activities/state', Object.assign({activityId: root.id, agent: JSON.stringify(actor),
        stateId: 'qualityrights-progress'}, reg ? {registration: reg} : {})),
      done = false, last = null;

    return {
      start: async function () {
        var saved = await state.get(); // a failure here stops the launch rather than overwrite saved progress
        client.queue(base + ':' + X.uuid(), false, {actor: actor, registration: reg});
        client.adopt(base + ':');
        tr.initialized();
        return {state: saved && saved.s || null, location: saved && saved.l || null, mode: 'normal', credit: true,
          standalone: false, learnerName: actor.name || null, notice: null};
      },
      pageViewed: tr.pageViewed.bind(tr),
      quizAnswered: tr.quizAnswered.bind(tr),
      surveyAnswered: tr.surveyAnswered.bind(tr),
      moduleResult: tr.moduleResult.bind(tr),
      courseResult: tr.courseResult.bind(tr),
      save: function (s, l) { state.put(last = {s: s, l: l}); },
      finish: function () {
        if (done) return;
        done = true;
        if (last) state.put(last, true); // the page is closing: a request that outlives it
        tr.terminated();
        client.close();
      }
    };
  });
})();
