/* SCORM 1.2 runtime adapter (SCORM 1.2 RTE: 3.2 API, 3.3 discovery, 3.4 data model). It only translates the
 * player's events into cmi.* values; the player owns the state and the rules (contract: top of player.js).
 * - Truthful status under LMS overrides: "incomplete" on first launch (an LMS turns a status left at
 *   "not attempted" into "completed" at LMSFinish); a score only once the verdict is final, written before the
 *   status (an LMS may recompute the status from score.raw and adlcp:masteryscore).
 * - Interactions are write-only in 1.2: appended at cmi.interactions._count, never read back.
 * - exit "suspend" while the attempt is open, "" once it is finished; review, browse and no-credit record nothing.
 * - Forwarding hook: when launch.options.forward is set and QR.forwarder exists, every event is also handed to
 *   QR.forwarder(ctx, {version, learnerId, home}) (an xAPI statement forwarder); home is the LMS's origin. */
(function () {
  'use strict';
  var QR = window.QR;

  // API discovery (RTE 3.3.6.1): the window and its parents, then the opener's; bounded, and a cross-origin
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
  function pad(n, w) { n = String(n); while (n.length < w) n = '0' + n; return n; }
  // CMITimespan HHHH:MM:SS.SS (RTE 3.4.2.1.11, data type A.3)
  function span(ms) {
    var cs = Math.min(Math.round(ms / 10), 35999999999), s = Math.floor(cs / 100);
    return pad(Math.floor(s / 3600), 4) + ':' + pad(Math.floor(s / 60) % 60, 2) + ':' + pad(s % 60, 2) + '.' +
      pad(cs % 100, 2);
  }
  // CMITime HH:MM:SS, the learner's clock (data type A.2)
  function clock(d) { return pad(d.getHours(), 2) + ':' + pad(d.getMinutes(), 2) + ':' + pad(d.getSeconds(), 2); }
  // "Last, First" (the usual LMS form of cmi.core.student_name) -> "First Last"
  function person(n) { var p = String(n || '').split(','); return p.length == 2 ? (p[1].trim() + ' ' + p[0].trim()).trim() : n || null; }
  // choice ids are one character 0-9 a-z; true-false is t/f (RTE 3.4.2.7.6 student_response formats)
  function resp(q, r) { return q.type == 'true-false' ? r[0].charAt(0) : r.join(','); }

  QR.registerRuntime('scorm12', function (ctx) {
    var lms = find('API'), api = lms.api;
    if (!api) return QR.getRuntime('standalone')(ctx);
    var t0 = Date.now(), status = '', exit = 'suspend', ro = false, done = false, fw = null;

    function err(what) {
      var c = api.LMSGetLastError();
      ctx.log('SCORM 1.2 ' + what + ' failed: ' + c + ' ' + api.LMSGetErrorString(c));
    }
    function get(k) { return String(api.LMSGetValue(k) || ''); }
    function set(k, v) { if (String(api.LMSSetValue(k, String(v))) != 'true') err('set ' + k); }
    function commit() { if (String(api.LMSCommit('')) != 'true') err('LMSCommit'); }
    function tee(name, args) {
      try { if (fw && typeof fw[name] == 'function') fw[name].apply(fw, args); } catch (e) { ctx.log('forward: ' + e); }
    }
    function interaction(id, type, response, result, pattern) {
      var n = parseInt(get('cmi.interactions._count'), 10) || 0, p = 'cmi.interactions.' + n + '.';
      set(p + 'id', id);
      set(p + 'type', type);
      set(p + 'time', clock(new Date()));
      if (pattern) set(p + 'correct_responses.0.pattern', pattern);
      set(p + 'student_response', response);
      set(p + 'result', result);
    }

    return {
      start: function () {
        if (String(api.LMSInitialize('')) != 'true' && String(api.LMSGetLastError()) != '101') {
          throw new Error('LMSInitialize refused (error ' + api.LMSGetLastError() + ')');
        }
        var mode = get('cmi.core.lesson_mode') || 'normal';
        status = get('cmi.core.lesson_status');
        ro = mode != 'normal' || get('cmi.core.credit') == 'no-credit';
        if (!ro && (status == '' || status == 'not attempted')) {
          status = 'incomplete';
          set('cmi.core.lesson_status', status);
          commit();
        }
        if (!ro && ctx.launch.options.forward && QR.forwarder) {
          fw = QR.forwarder(ctx, {version: '1.2', learnerId: get('cmi.core.student_id'), home: origin(lms.win)});
        }
        return {state: get('cmi.suspend_data') || null, location: get('cmi.core.lesson_location') || null,
          mode: mode, credit: get('cmi.core.credit') != 'no-credit',
          standalone: false, learnerName: person(get('cmi.core.student_name')), notice: null};
      },
      pageViewed: function () { tee('pageViewed', arguments); },
      quizAnswered: function (m, q, a) {
        tee('quizAnswered', arguments);
        interaction(m.id + '/' + q.id + '/' + a.attempt, q.type == 'true-false' ? 'true-false' : 'choice',
          resp(q, a.response), a.correct ? 'correct' : 'wrong', resp(q, q.correct));
      },
      surveyAnswered: function (m, item, v) {
        tee('surveyAnswered', arguments);
        // Personal opinions: written to the LMS only when the build asked for it; "prefer not to answer" never.
        if (ctx.launch.options.recordSurveyInLms && v != null) interaction(m.id + '/' + item.id, 'likert', v, 'neutral');
      },
      moduleResult: function () { tee('moduleResult', arguments); },
      courseResult: function (r) {
        tee('courseResult', arguments);
        if (r.scaled != null) {
          set('cmi.core.score.min', r.min);
          set('cmi.core.score.max', r.max);
          set('cmi.core.score.raw', r.raw);
        }
        var s = r.passed != null ? (r.passed ? 'passed' : 'failed') : r.completed ? 'completed' : 'incomplete';
        exit = r.final ? '' : 'suspend';
        if (s != status) {
          status = s;
          set('cmi.core.lesson_status', s);
          commit();
        }
      },
      save: function (state, location) {
        set('cmi.suspend_data', state);
        if (location) set('cmi.core.lesson_location', location); // the course home is no bookmark; some runtimes refuse ''
        set('cmi.core.exit', exit);
        set('cmi.core.session_time', span(Date.now() - t0));
        commit();
      },
      finish: function () {
        if (done) return;
        done = true;
        tee('finish', arguments);
        if (!ro) {
          set('cmi.core.exit', exit);
          set('cmi.core.session_time', span(Date.now() - t0));
        }
        if (String(api.LMSFinish('')) != 'true') err('LMSFinish');
      }
    };
  });
})();
