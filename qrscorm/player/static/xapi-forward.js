/* Forwarding from SCORM packages (QR.forwarder, the hook of rt-scorm12.js and rt-scorm2004.js): every event also
 * goes to WHO's LRS with the build's forward key. The learner is an account on the LMS's home page (its origin,
 * info.home) named by the SCORM learner id, never by name; the queue outlives the launch. */
(function () {
  'use strict';
  var QR = window.QR, X = QR.xapi;

  QR.forwarder = function (ctx, info) {
    var f = ctx.launch.options.forward;
    if (!f || !info.learnerId) return null;
    var key = String(f.key), actor = {objectType: 'Agent', account: {homePage: info.home || location.origin,
        name: String(info.learnerId)}},
      client = new X.Client({endpoint: f.endpoint, log: ctx.log,
        auth: /^\S+ /.test(key) ? key : 'Basic ' + (key.indexOf(':') > 0 ? btoa(key) : key)}),
      tr = new X.Tracker(ctx, {client: client, actor: actor, scope: ctx.launch.scope, root: X.root(ctx),
        platform: 'QualityRights SCORM ' + info.version}),
      fw = {client: client, finish: () => { tr.terminated(); client.close(); }};
    client.queue(X.key(client.ep, actor, ''), true, {actor: actor});
    tr.initialized();
    ['pageViewed', 'quizAnswered', 'surveyAnswered', 'moduleResult', 'courseResult'].forEach(n => {
      fw[n] = tr[n].bind(tr);
    });
    return fw;
  };
})();
