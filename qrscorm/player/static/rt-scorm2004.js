/* SCORM 2004 4th edition runtime adapter (RTE 3.1 API, 3.3 discovery, 4 data model). It only translates the
 * player's events into cmi.* values; the player owns the state and the rules (contract: top of player.js).
 * - Truthful status under LMS overrides: completion "incomplete" on first launch; a score only once the verdict
 *   is final, written before the status (an LMS judges success from score.scaled and the scaled passing score).
 * - Interactions: appended at cmi.interactions._count with ids unique in the SCO (one per answer and attempt);
 *   at most 250 are written.
 * - exit "suspend" while the attempt is open, "normal" once it is finished; review, browse and no-credit record
 *   nothing.
 * - Forwarding hook: when launch.options.forward is set and QR.forwarder exists, every event is also handed to
 *   QR.forwarder(ctx, {version, learnerId, home}) (an xAPI statement forwarder); home is the LMS's origin. */
(function () {
  'use strict';
  var QR = window.QR, MAX = 250;

  // API discovery (RTE 3.3.6): the window and its parents, then the opener's; bounded, and a cross-origin
  // window (whose properties throw on access) is stepped over rather than ending the search.
  function find(name) {
    function up(w) {
      for (var n = 0; w && n < 12; n++) {
        try { if (w[name]) return {api: w[name], win: w}; } catch (e) { /* cross-origin frame */ }
        var p = null;
        try { p = w.parent; } catch (e) { /* detached */ }
        if (!p || p === w) break;
        w = p;
      }
      return null;
    }
    var found = up(window), o = [];
    try { o.push(window.top.opener); } catch (e) { /* no access */ }
    try { o.push(window.opener); } catch (e) { /* no access */ }
    for (var i = 0; !found && i < o.length; i++) found = o[i] ? up(o[i]) : null;
    return found || {};
  }
  // The LMS's origin (its home page for xAPI accounts): the API's window, else the page that framed us.
  function origin(w) {
    try { return w.location.origin; } catch (e) { /* cross-origin */ }
    try { return new URL(document.referrer).origin; } catch (e) { return null; }
  }
  // timeinterval (second,10,2): an ISO 8601 duration such as PT1H5M12.5S
  function span(ms) {
    var cs = Math.round(ms / 10), s = Math.floor(cs / 100), h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60;
    return 'PT' + (h ? h + 'H' : '') + (m ? m + 'M' : '') + (s % 60) + (cs % 100 ? '.' + (100 + cs % 100).toString().slice(1) : '') + 'S';
  }
  // time (second,10,0): UTC, hundredths of a second
  function stamp(d) { return d.toISOString().slice(0, 22) + 'Z'; }
  function person(n) { var p = String(n || '').split(','); return p.length == 2 ? (p[1].trim() + ' ' + p[0].trim()).trim() : n || null; }
  // RTE 4.2.9.1 response formats: choice ids joined by "[,]"; true-false "true" / "false"
  function resp(q, r) { return q.type == 'true-false' ? r[0] : r.join('[,]'); }

  QR.registerRuntime('scorm2004', function (ctx) {
    var lms = find('API_1484_11'), api = lms.api;
    if (!api) return QR.getRuntime('standalone')(ctx);
    var t0 = Date.now(), lang = ctx.data.lang.code, comp = '', succ = '', exit = 'suspend', ro = false,
      done = false, fw = null;

    function err(what) {
      var c = api.GetLastError();
      ctx.log('SCORM 2004 ' + what + ' failed: ' + c + ' ' + api.GetErrorString(c));
    }
    function get(k) { return String(api.GetValue(k) || ''); }
    function set(k, v) { if (String(api.SetValue(k, String(v))) != 'true') err('set ' + k); }
    function commit() { if (String(api.Commit('')) != 'true') err('Commit'); }
    function tee(name, args) {
      try { if (fw && typeof fw[name] == 'function') fw[name].apply(fw, args); } catch (e) { ctx.log('forward: ' + e); }
    }
    function interaction(id, type, text, response, result, pattern) {
      var n = parseInt(get('cmi.interactions._count'), 10) || 0, p = 'cmi.interactions.' + n + '.';
      if (n >= MAX) return ctx.log('interaction not recorded: ' + MAX + ' already');
      set(p + 'id', id);
      set(p + 'type', type);
      set(p + 'timestamp', stamp(new Date()));
      set(p + 'description', '{lang=' + lang + '}' + String(text).slice(0, 240));
      if (pattern) set(p + 'correct_responses.0.pattern', pattern);
      set(p + 'learner_response', response);
      set(p + 'result', result);
    }

    return {
      start: function () {
        if (String(api.Initialize('')) != 'true' && String(api.GetLastError()) != '103') {
          throw new Error('Initialize refused (error ' + api.GetLastError() + ')');
        }
        var mode = get('cmi.mode') || 'normal', credit = get('cmi.credit') != 'no-credit';
        comp = get('cmi.completion_status');
        succ = get('cmi.success_status');
        ro = mode != 'normal' || !credit;
        if (!ro && (comp == 'unknown' || comp == 'not attempted' || comp == '')) {
          comp = 'incomplete';
          set('cmi.completion_status', comp);
          commit();
        }
        if (!ro && ctx.launch.options.forward && QR.forwarder) {
          fw = QR.forwarder(ctx, {version: '2004', learnerId: get('cmi.learner_id'), home: origin(lms.win)});
        }
        return {state: get('cmi.suspend_data') || null, location: get('cmi.location') || null, mode: mode,
          credit: credit, standalone: false, learnerName: person(get('cmi.learner_name')), notice: null};
      },
      pageViewed: function () { tee('pageViewed', arguments); },
      quizAnswered: function (m, q, a) {
        tee('quizAnswered', arguments);
        interaction('urn:qr:' + m.id + ':' + q.id + ':' + a.attempt, q.type == 'true-false' ? 'true-false' : 'choice',
          q.prompt, resp(q, a.response), a.correct ? 'correct' : 'incorrect', resp(q, q.correct));
      },
      surveyAnswered: function (m, item, v) {
        tee('surveyAnswered', arguments);
        // Personal opinions: written to the LMS only when the build asked for it; "prefer not to answer" never.
        if (ctx.launch.options.recordSurveyInLms && v != null) {
          interaction('urn:qr:' + m.id + ':' + item.id, 'likert', item.text, v, 'neutral');
        }
      },
      moduleResult: function () { tee('moduleResult', arguments); },
      courseResult: function (r) {
        tee('courseResult', arguments);
        if (r.scaled != null) {
          set('cmi.score.scaled', r.scaled);
          set('cmi.score.raw', r.raw);
          set('cmi.score.min', r.min);
          set('cmi.score.max', r.max);
        }
        var c = r.completed ? 'completed' : 'incomplete', s = r.passed != null ? (r.passed ? 'passed' : 'failed') : '';
        exit = r.final ? 'normal' : 'suspend';
        if (c != comp || (s && s != succ)) {
          comp = c;
          set('cmi.completion_status', c);
          if (s) set('cmi.success_status', (succ = s));
          commit();
        }
      },
      save: function (state, location) {
        set('cmi.suspend_data', state);
        if (location) set('cmi.location', location); // the course home is no bookmark; some runtimes refuse ''
        set('cmi.exit', exit);
        set('cmi.session_time', span(Date.now() - t0));
        commit();
      },
      finish: function () {
        if (done) return;
        done = true;
        tee('finish', arguments);
        if (!ro) {
          set('cmi.exit', exit);
          set('cmi.session_time', span(Date.now() - t0));
        }
        if (String(api.Terminate('')) != 'true') err('Terminate');
      }
    };
  });
})();
