/* QualityRights course player, one runtime in every package (web, SCORM 1.2/2004, xAPI, cmi5). It reads
 * window.QR_DATA (the course in one language: data.js) and window.QR_LAUNCH ({runtime, scope, options}), renders
 * the course, keeps the learning state and applies the rules; a runtime adapter only translates for its LMS/LRS.
 *
 * Runtime adapter contract. Load player.js first, then adapters; the player starts on DOMContentLoaded.
 *   QR.registerRuntime(name, function factory(ctx) { return adapter; }); QR.getRuntime(name) -> factory
 *   (an adapter that finds no LMS may return QR.getRuntime('standalone')(ctx)).
 *   ctx: {data, launch, log(msg), notify(msg): show the learner a message, t(key, vars): interface string}
 *   Methods may return promises; only start() and finish() are awaited; errors are logged; nothing follows finish().
 *   start() -> {state: string|null, location: string|null, mode: "normal"|"review"|"browse", credit: bool,
 *               standalone: bool, learnerName: string|null, notice: string|null}
 *   pageViewed(module, page)
 *   quizAnswered(module, question, {response: string[] (choice ids; ["true"]/["false"]), correct, attempt: int})
 *   surveyAnswered(module, item, value: 1..5 | null = prefer not to answer). Personal opinions: an LMS adapter
 *       records none unless launch.options.recordSurveyInLms; an LRS adapter sends them (pre/post reports).
 *   moduleResult(module, {completed, passed: bool|null, scaled: number|null, raw, min, max, final, seconds})
 *   courseResult({completed, passed, scaled, raw, min, max, final}): what this launch tracks, the course or (with
 *       launch.scope) the one module, then equal to its moduleResult.
 *   save(state, location): persist suspend data and bookmark, and commit.  finish(): once, on pagehide.
 * Guarantees: results are reported when they change, before the save() that holds them. A score is non-null only
 * once pass/fail is final; raw = scaled in percent rounded down to 2 decimals (0..100), so raw >= 100 * mastery
 * exactly when passed. Completed: a quiz module when final (passed, or failed after maxAttempts), a survey when
 * sent, other modules when every page was seen; the course when every module is. Course passed is null until
 * every quiz module is final, then true if all passed (all-lessons-passed); its score is their mean, which does not
 * decide the verdict, so a course-level item carries no mastery score. Review/browse mode or credit false records
 * nothing (start, finish only). state: short ASCII, ids only (QR1, see enc()); location: a route ("<module>/<page>",
 * "<module>/_quiz/2", "_complete").
 */
(() => {
  'use strict';
  var QR = window.QR = window.QR || {};
  var RT = {};
  QR.registerRuntime = (name, factory) => { RT[name] = factory; };
  QR.getRuntime = name => RT[name];

  var D, L, U, MODS, S, A, INFO = {}, RO, nf, main, notes, seen = {}, doneDay = 0, loc = '', cur = null,
    last = Date.now(), vis = true, ended = false, first = true;

  function log(m) { try { console.info('[QR] ' + m); } catch (e) { /* no console */ } }
  function notify(m) { if (notes) notes.append(h('p', {text: m})); }
  function t(k, v) {
    if (U[k] == null) log('missing interface string ' + k);
    return String(U[k] != null ? U[k] : k).replace(/\{(\w+)\}/g, (s, n) => {
      return v && v[n] != null ? (typeof v[n] == 'number' ? nf.format(v[n]) : v[n]) : s;
    });
  }

  // Plain text cannot mark another language: a string with no letter of the page's direction (a name, an English
  // term alone in Arabic) gets dir=auto; others keep the page's (first-strong misreads Arabic opening with CHIME).
  // RLE/RLO/RLI count as right-to-left (ar-XB pseudo-locale).
  var RTL = /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\u202b\u202e\u2067]/,
    LTR = /[\u202a\u202d\u2066]|(?![\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc])\p{L}/u;
  function dirOf(s) { var r = D.lang.dir == 'rtl'; return !(r ? RTL : LTR).test(s) && (r ? LTR : RTL).test(s); }

  // DOM: h('p', {class: 'x', text: 'y', onclick: f}, [children]); children may nest, null is skipped.
  function h(tag, a, kids) {
    var e = document.createElement(tag);
    for (var k in a || {}) {
      var v = a[k];
      if (v == null || v === false) continue;
      if (k.slice(0, 2) == 'on') e.addEventListener(k.slice(2), v);
      else if (k == 'text') e.textContent = v;
      else if (k == 'html') e.innerHTML = v;
      else e.setAttribute(k, v === true ? '' : v);
    }
    if (a && a.text != null && !a.dir && dirOf(a.text)) e.dir = 'auto';
    return add(e, kids);
  }
  function add(e, kids) {
    if (Array.isArray(kids)) kids.forEach(c => { add(e, c); });
    else if (kids != null && kids !== false) e.append(kids);
    return e;
  }
  function intl(C, o) { try { return new C(D.lang.code, o); } catch (e) { return new C(undefined, o); } }
  function H1(text) { return h('h1', {tabindex: '-1', text: text}); }
  function link(route, text, cls) { return h('a', {href: '#/' + route, class: cls, text: text}); }
  function btn(text, fn, cls) { return h('button', {type: 'button', class: cls || 'qr-btn', onclick: fn, text: text}); }

  // ---- learning state -------------------------------------------------------------------------------------
  // Per module: v visited pages (bools), t seconds, a attempt number (0 = none), q answers of the current or
  // last attempt (arrays of choice ids), c correct answers of the last finished attempt (-1 none),
  // r final result ('' open, 'p' passed, 'f' failed), d survey done, s survey answers (only if recorded).
  function blank() { return {v: [], t: 0, a: 0, q: [], c: -1, r: '', d: 0, s: []}; }
  function mod(id) { for (var i = 0; i < MODS.length; i++) if (MODS[i].id == id) return MODS[i]; }
  function st(m) { return S[m.id]; }
  function qs(m) { return m.quiz ? m.quiz.questions : []; }
  function answered(x) { return x.q.filter(Boolean).length; }
  function same(a, b) { return a.length == b.length && a.every(x => b.indexOf(x) >= 0); }
  function floor(n, d) { return Math.floor(n * d + 1e-6) / d; }
  function score(sc) { return {scaled: sc, raw: sc == null ? null : floor(sc * 100, 100), min: 0, max: 100}; }
  function pct(n) { return Math.floor(n * 100 + 1e-6); }

  // Score a finished attempt: correct answers, and the verdict once it is final.
  function settle(m, x) {
    var all = qs(m);
    x.c = all.filter((q, j) => same(x.q[j], q.correct)).length;
    if (x.c / all.length >= m.masteryScore - 1e-9) x.r = 'p';
    else if (m.maxAttempts && x.a >= m.maxAttempts) x.r = 'f';
  }
  function modRes(m) {
    var x = st(m), f = m.quiz ? !!x.r : m.survey ? !!x.d : m.pages.every((p, i) => x.v[i]);
    return Object.assign({completed: f, passed: m.quiz && f ? x.r == 'p' : null, final: f,
      seconds: Math.round(x.t)}, score(m.quiz && f ? floor(x.c / qs(m).length, 1e4) : null));
  }
  function courseRes() {
    var r = MODS.filter(m => m.quiz).map(modRes),
      fin = r.length > 0 && r.every(x => x.final),
      done = MODS.every(m => modRes(m).completed);
    return Object.assign({completed: done, passed: fin ? r.every(x => x.passed) : null,
      final: done && (fin || !r.length)},
    score(fin ? floor(r.reduce((s, x) => s + x.scaled, 0) / r.length, 1e4) : null));
  }

  // Suspend data, format QR1: "QR1[.day]" then one ";"-separated segment per module in scope:
  //   id,flags,visited,seconds,attempt,correct,answers,survey
  // day: the day (since 1970, base 36) the course was passed; flags: p passed, f failed (final), d survey done;
  // visited: page bitmask; seconds, attempt, correct: base 36; answers: per question the choice ids
  // ("t"/"f" for true-false), "."-separated; survey: a digit per item (0 = prefer not to answer, - = none),
  // written only when options.recordSurveyInLms. Trailing empty fields are dropped.
  function enc(state, day) {
    return ['QR1' + (day ? '.' + day.toString(36) : '')].concat(MODS.map(m => {
      var x = state[m.id];
      return [m.id, x.r + (x.d ? 'd' : ''), x.v.reduce((n, b, i) => b ? n + Math.pow(2, i) : n, 0)
        .toString(36), Math.round(x.t).toString(36), x.a.toString(36), x.c < 0 ? '' : x.c.toString(36),
      qs(m).map((q, i) => (x.q[i] || []).map(c => c.charAt(0)).join(''))
        .join('.').replace(/\.+$/, ''),
      L.options.recordSurveyInLms ? x.s.map(n => n == null ? '-' : n).join('') : '']
        .join(',').replace(/,+$/, '');
    })).join(';');
  }
  // -> {day, state}, or null for a string that is not QR1 suspend data.
  function dec(str) {
    var segs = String(str).split(';'), head = segs[0].split('.'), out = {};
    if (head[0] != 'QR1') return null;
    MODS.forEach(m => { out[m.id] = blank(); });
    segs.slice(1).forEach(seg => {
      var f = seg.split(','), m = mod(f[0]), n36 = s => parseInt(s || '0', 36) || 0;
      if (!m) return;
      var x = out[m.id], bits = n36(f[2]), ans = (f[6] || '').split('.'), n = qs(m).length;
      x.r = m.quiz && /[pf]/.test(f[1]) ? f[1].match(/[pf]/)[0] : '';
      x.d = m.survey && /d/.test(f[1]) ? 1 : 0;
      x.v = m.pages.map((p, i) => Math.floor(bits / Math.pow(2, i)) % 2 == 1);
      x.t = n36(f[3]); x.a = n36(f[4]); x.c = f[5] && n36(f[5]) <= n ? n36(f[5]) : -1;
      x.q = qs(m).map((q, i) => {
        var ids = q.type == 'true-false' ? ['true', 'false'] : q.choices.map(c => c.id);
        var r = ids.filter(id => (ans[i] || '').indexOf(id.charAt(0)) >= 0);
        return r.length ? r : undefined;
      });
      if (L.options.recordSurveyInLms && m.survey) {
        x.s = (f[7] || '').split('').map(c => /[0-5]/.test(c) ? +c : undefined);
      }
      if (x.r && x.c < 0) x.r = '';
      if (x.a && !x.r && n && answered(x) == n) settle(m, x); // every answer kept but not scored: score it
    });
    return {day: parseInt(head[1] || '0', 36) || 0, state: out};
  }
  function progressed(s) {
    return MODS.some(m => { var x = s[m.id]; return x.v.some(Boolean) || x.a || x.d || x.r; });
  }

  // ---- talking to the runtime -----------------------------------------------------------------------------
  function call(name) {
    var args = [].slice.call(arguments, 1);
    if (ended || (RO && name != 'finish') || !A || typeof A[name] != 'function') return;
    try {
      var p = A[name].apply(A, args);
      if (p && p.catch) p.catch(e => { log(name + ': ' + e); });
      return p;
    } catch (e) { log(name + ': ' + e); }
  }
  function tick() {
    var n = Date.now();
    if (cur && vis && !RO) st(cur).t += Math.min(n - last, 18e5) / 1e3; // an idle half hour counts once
    last = n;
  }
  function save() { if (!RO && !ended) { tick(); call('save', enc(S, doneDay), loc); } }
  // A module's result without its time: what makes a result worth reporting again.
  function resKey(m) { return JSON.stringify(Object.assign(modRes(m), {seconds: 0})); }
  // Report the results that changed since the last report, then save (results before the state that holds them).
  function sync() {
    var changed = false;
    MODS.forEach(m => {
      var k = resKey(m);
      if (seen[m.id] != k) { seen[m.id] = k; changed = true; call('moduleResult', m, modRes(m)); }
    });
    if (changed) {
      var c = courseRes();
      if (c.passed && !doneDay && !RO) doneDay = today();
      call('courseResult', c);
    }
    save();
  }
  function finish() {
    if (ended) return;
    save();
    call('finish');
    ended = true;
  }

  // ---- routes: "" home, "<m>", "<m>/<page>", "<m>/_quiz", "<m>/_quiz/<n>", "<m>/_result", "<m>/_survey",
  // "_complete" (ids are [a-z0-9-], so "_" words never clash with a page id) --------------------------------
  function go(route) {
    first = false;
    if (location.hash == '#/' + route) render(); else location.hash = '#/' + route;
  }
  function parse(r) {
    var p = r.split('/'), m = mod(p[0]), i;
    if (p[0] == '_complete') return {v: vComplete};
    if (!m) return {v: vHome};
    if (!p[1]) return {v: vModule, m: m};
    if (p[1] == '_quiz' && m.quiz) return p[2] ? {v: vQuestion, m: m, n: +p[2] - 1} : {v: vQuiz, m: m};
    if (p[1] == '_result' && m.quiz) return {v: vResult, m: m};
    if (p[1] == '_survey' && m.survey) return {v: vSurvey, m: m};
    for (i = 0; i < m.pages.length; i++) if (m.pages[i].id == p[1]) return {v: vPage, m: m, i: i};
    return {v: vModule, m: m};
  }
  function render() {
    if (location.hash && location.hash.indexOf('#/') != 0) return; // an in-page anchor, not a route
    var r = location.hash.slice(2), R = parse(r);
    tick();
    cur = R.m || null;
    var view = R.v(R);
    if (typeof view == 'string') { history.replaceState(null, '', '#/' + view); return render(); }
    loc = r;
    show(view[0], view[1], R.v.name);
    sync();
  }
  function show(title, nodes, name) {
    main.replaceChildren();
    add(main, nodes);
    main.setAttribute('data-view', name);
    document.title = t('app_doc_title', {view: title, course: D.course.title});
    if (!first) main.querySelector('h1').focus();
    first = false;
  }
  function nextOf(m) {
    var i = MODS.indexOf(m);
    return i < MODS.length - 1 ? [MODS[i + 1].id, t('nav_next_module')] : ['_complete', t('nav_results')];
  }
  function afterPages(m) {
    return m.quiz ? [m.id + '/_quiz', t('nav_to_quiz')] : m.survey ? [m.id + '/_survey', t('nav_to_survey')]
      : nextOf(m);
  }
  function pager(prev, next) {
    return h('nav', {class: 'qr-pager', 'aria-label': t('nav_label')}, [
      prev && link(prev[0], prev[1], 'qr-btn qr-sec qr-prev'), next && link(next[0], next[1], 'qr-btn qr-next')]);
  }
  function kicker(m) { return h('p', {class: 'qr-kicker'}, link(m.id, m.title)); }
  function status(m) {
    var r = modRes(m), x = st(m);
    return t(r.passed ? 'status_passed' : r.passed === false ? 'status_failed' : r.completed ? 'status_completed'
      : x.v.some(Boolean) || x.a ? 'status_in_progress' : 'status_not_started');
  }
  function scoreText(m) { var r = modRes(m); return r.raw == null ? '' : t('score', {score: Math.floor(r.raw)}); }
  function badge(m) {
    var r = modRes(m), tone = r.passed === false ? 'bad' : r.completed ? 'ok' : 'n';
    return h('span', {class: 'qr-st qr-st-' + tone}, [status(m), scoreText(m) && ' ' + scoreText(m)]);
  }
  // The learner's local calendar day, counted from 1970-01-01; shown back with timeZone UTC.
  function today() { return Math.floor((Date.now() - new Date().getTimezoneOffset() * 6e4) / 864e5); }
  function minutes(s) { return t('time_minutes', {minutes: Math.round(s / 60)}); }

  // ---- views: each returns [title, nodes] with exactly one h1, or a route to go to instead ----------------
  function vHome() {
    if (L.scope) return MODS[0].id;
    var done = MODS.filter(m => modRes(m).completed).length;
    return [D.course.title, [H1(D.course.title), h('p', {class: 'qr-lead', text: D.course.description}),
      h('p', {text: t('home_progress', {done: done, total: MODS.length})}),
      done ? h('p', {}, link('_complete', t('home_results'))) : null,
      h('h2', {text: t('home_modules')}),
      h('ol', {class: 'qr-mods'}, MODS.map(m => {
        return h('li', {class: 'qr-mod'}, [h('h3', {}, link(m.id, m.title)), h('p', {text: m.description}),
          h('p', {class: 'qr-meta'}, [t('module_minutes', {minutes: m.minutes}), ' · ', badge(m)])]);
      }))]];
  }

  function vModule(R) {
    var m = R.m, x = st(m), i = MODS.indexOf(m), next = m.pages.findIndex((p, k) => !x.v[k]);
    var target = next >= 0 ? m.id + '/' + m.pages[next].id : afterPages(m)[0];
    return [m.title, [MODS.length > 1 ? h('p', {class: 'qr-kicker', text: t('module_position',
      {current: i + 1, total: MODS.length})}) : null, H1(m.title), h('p', {class: 'qr-lead', text: m.description}),
    h('p', {class: 'qr-meta'}, [t('module_minutes', {minutes: m.minutes}), ' · ', badge(m)]),
    m.objectives.length ? [h('h2', {text: t('module_objectives')}),
      h('ul', {}, m.objectives.map(o => h('li', {text: o.text})))] : null,
    h('h2', {text: t('module_contents')}),
    h('ol', {class: 'qr-toc'}, [m.pages.map(p => h('li', {}, link(m.id + '/' + p.id, p.title))),
      m.quiz || m.survey ? h('li', {}, link(afterPages(m)[0], t(m.quiz ? 'quiz_title' : 'survey_title'))) : null]),
    h('p', {}, link(target, t(x.v.some(Boolean) ? 'module_continue' : 'module_start'), 'qr-btn'))]];
  }

  function vPage(R) {
    var m = R.m, i = R.i, p = m.pages[i], n = m.pages.length;
    if (!RO) st(m).v[i] = true;
    call('pageViewed', m, p);
    var body = h('div', {class: 'qr-content', html: p.html});
    body.querySelectorAll('a[href^="#/"]').forEach(a => {
      if (!mod(a.getAttribute('href').split('/')[1])) a.removeAttribute('href'); // module not in this package
    });
    body.querySelectorAll('a[target=_blank]').forEach(a => {
      a.append(h('span', {class: 'qr-vh', text: ' ' + t('page_new_window')}));
    });
    body.querySelectorAll('table').forEach(tb => {
      var cap = tb.querySelector('caption'), wrap = h('div', {class: 'qr-table', role: 'region', tabindex: '0',
        'aria-label': cap ? cap.textContent : t('page_table')});
      tb.replaceWith(wrap);
      wrap.append(tb);
      tb.querySelectorAll('th').forEach(c => { // an empty corner cell heads nothing
        if (!c.textContent.trim()) c.replaceWith(h('td'));
      });
    });
    return [p.title, [kicker(m), H1(p.title), h('div', {class: 'qr-progress'}, [
      h('p', {text: t('page_progress', {current: i + 1, total: n})}),
      h('progress', {max: n, value: i + 1, 'aria-label': t('page_progress_label')})]),
    body, pager([i ? m.id + '/' + m.pages[i - 1].id : m.id, t('nav_previous')],
      i < n - 1 ? [m.id + '/' + m.pages[i + 1].id, t('nav_next')] : afterPages(m))]];
  }

  function start(m) { var x = st(m); x.a++; x.q = []; save(); go(m.id + '/_quiz/1'); }

  function vQuiz(R) {
    var m = R.m, x = st(m), n = qs(m).length, k = answered(x), max = m.maxAttempts;
    if (x.a && k == n && !x.r) return m.id + '/_result';
    var body = [kicker(m), H1(t('quiz_title')), h('p', {text: t('quiz_intro', {count: n,
      mastery: pct(m.masteryScore)})})];
    if (x.r) {
      body.push(h('p', {text: t('quiz_done')}), h('p', {class: 'qr-actions'}, [link(m.id + '/_result',
        t('quiz_see_result'), 'qr-btn'), link(m.id + '/_quiz/1', t('quiz_review'), 'qr-btn qr-sec')]));
    } else if (RO) {
      body.push(h('p', {}, link(m.id + '/_quiz/1', t('quiz_review'), 'qr-btn')));
    } else {
      body.push(h('p', {text: max ? t('quiz_attempt', {attempt: Math.max(x.a, 1), max: max}) : ''}),
        x.a ? h('p', {}, link(m.id + '/_quiz/' + (k + 1), t('quiz_continue'), 'qr-btn'))
          : h('p', {}, btn(t('quiz_start'), () => { start(m); })));
    }
    return [t('quiz_title'), body];
  }

  function vQuestion(R) {
    var m = R.m, x = st(m), all = qs(m), n = all.length, i = R.n, q = all[i], open = !RO && !x.r;
    if (!q) return m.id + '/_quiz';
    if (open && (!x.a || i > answered(x))) return m.id + '/_quiz' + (x.a ? '/' + (answered(x) + 1) : '');
    var multi = q.type == 'multiple', choices = q.type == 'true-false'
      ? [{id: 'true', text: t('quiz_true')}, {id: 'false', text: t('quiz_false')}] : q.choices;
    var fs = h('fieldset', {class: 'qr-q', 'aria-describedby': 'qr-hint'}, [h('legend', {text: q.prompt}),
      h('p', {id: 'qr-hint', class: 'qr-hint', text: t(multi ? 'quiz_choose_many' : 'quiz_choose_one')}),
      choices.map(c => {
        return h('label', {class: 'qr-opt'}, [h('input', {type: multi ? 'checkbox' : 'radio', name: 'qr-' + q.id,
          value: c.id}), h('span', {text: c.text})]);
      })]);
    var fb = h('div', {class: 'qr-fb', role: 'status'}), act = h('div', {class: 'qr-actions'});
    var next = i < n - 1 ? link(m.id + '/_quiz/' + (i + 2), t('quiz_next'), 'qr-btn')
      : link(m.id + '/_result', t('quiz_see_result'), 'qr-btn');
    function lock(resp) {
      fs.querySelectorAll('input').forEach(e => {
        e.checked = !!resp && resp.indexOf(e.value) >= 0;
        e.disabled = true;
      });
      fb.replaceChildren();
      if (resp) {
        var ok = same(resp, q.correct);
        fb.className = 'qr-fb ' + (ok ? 'qr-ok' : 'qr-bad');
        add(fb, [h('strong', {text: t(ok ? 'quiz_correct' : 'quiz_incorrect')}), ' ',
          h('span', {text: q.feedback[ok ? 'correct' : 'incorrect']})]);
      } else add(fb, t('quiz_not_answered'));
      act.replaceChildren(next);
    }
    function check(ev) {
      ev.preventDefault();
      var resp = [].map.call(fs.querySelectorAll('input:checked'), e => e.value);
      if (!resp.length) { fb.className = 'qr-fb qr-bad'; fb.textContent = t('quiz_no_answer'); return; }
      x.q[i] = resp;
      call('quizAnswered', m, q, {response: resp, correct: same(resp, q.correct), attempt: x.a});
      if (answered(x) == n) settle(m, x);
      loc = m.id + (i < n - 1 ? '/_quiz/' + (i + 2) : '/_result'); // resume after this answer
      sync();
      lock(resp);
      next.focus();
    }
    if (x.q[i] || !open) lock(x.q[i]); else act.append(h('button', {type: 'submit', class: 'qr-btn',
      text: t('quiz_check')}));
    return [t('quiz_question', {current: i + 1, total: n}), [kicker(m), H1(t('quiz_question', {current: i + 1,
      total: n})), h('form', {novalidate: true, onsubmit: check}, [fs, fb, act])]];
  }

  function vResult(R) {
    var m = R.m, x = st(m), n = qs(m).length, left = m.maxAttempts - x.a;
    if (x.c < 0 || (x.a && !x.r && answered(x) < n)) return m.id + '/_quiz';
    return [t('quiz_result_title'), [kicker(m), H1(t('quiz_result_title')),
      h('p', {text: t('quiz_score', {correct: x.c, total: n, score: pct(x.c / n)})}),
      x.r == 'p' ? h('p', {class: 'qr-fb qr-ok', text: t('quiz_passed')})
        : x.r == 'f' ? h('p', {class: 'qr-fb qr-bad', text: t('quiz_failed_final')})
          : [h('p', {class: 'qr-fb qr-bad', text: t('quiz_retry_info', {mastery: pct(m.masteryScore)})}),
            m.maxAttempts ? h('p', {text: t('quiz_attempts_left', {count: left})}) : null,
            RO ? null : h('p', {class: 'qr-actions'}, [btn(t('quiz_retry'), () => { start(m); }),
              link(m.id, t('quiz_review_pages'), 'qr-btn qr-sec')])],
      h('h2', {text: t('quiz_your_answers')}),
      h('ol', {class: 'qr-answers'}, qs(m).map((q, j) => {
        var ok = x.q[j] && same(x.q[j], q.correct);
        return h('li', {}, [link(m.id + '/_quiz/' + (j + 1), q.prompt), ' ',
          h('span', {class: 'qr-st qr-st-' + (ok ? 'ok' : 'bad'), text: t(ok ? 'quiz_correct' : 'quiz_incorrect')})]);
      })),
      x.r ? pager(null, nextOf(m)) : null]];
  }

  function vSurvey(R) {
    var m = R.m, x = st(m), sv = m.survey;
    if (x.d) {
      return [m.title, [kicker(m), H1(t('survey_title')), h('p', {text: t('survey_thanks')}), pager(null, nextOf(m))]];
    }
    var err = h('p', {class: 'qr-err', role: 'alert'});
    var sets = sv.items.map((it, k) => {
      return h('fieldset', {class: 'qr-likert'}, [h('legend', {text: it.text}), h('div', {class: 'qr-scale'},
        sv.scale.concat(0).map(v => {
          return h('label', {class: 'qr-opt'}, [h('input', {type: 'radio', name: 'qr-s-' + it.id, value: v,
            disabled: RO, checked: x.s[k] === v}), h('span', {text: t(v ? 'likert_' + v : 'likert_none')})]);
        }))]);
    });
    function submit(ev) {
      ev.preventDefault();
      var vals = sets.map(fs => { var c = fs.querySelector(':checked'); return c ? +c.value : undefined; });
      var miss = vals.map((v, k) => v == null ? k : -1).filter(k => k >= 0);
      if (miss.length) {
        err.textContent = t('survey_missing', {count: miss.length});
        sets[miss[0]].querySelector('input').focus();
        return;
      }
      vals.forEach((v, k) => { call('surveyAnswered', m, sv.items[k], v || null); });
      x.d = 1;
      if (L.options.recordSurveyInLms) x.s = vals;
      sync();
      go(loc);
    }
    return [t('survey_title'), [kicker(m), H1(t('survey_title')), h('p', {text: t('survey_intro')}),
      h('form', {novalidate: true, onsubmit: submit}, [sets, err,
        RO ? null : h('p', {}, h('button', {type: 'submit', class: 'qr-btn', text: t('survey_submit')}))]),
      RO ? pager(null, nextOf(m)) : null]];
  }

  function vComplete() {
    var c = courseRes(), total = 0, cert = null;
    var rows = MODS.map(m => {
      total += st(m).t;
      return h('tr', {}, [h('th', {scope: 'row', text: m.title}), h('td', {text: status(m)}),
        h('td', {text: scoreText(m) || '–'}), h('td', {text: minutes(st(m).t)})]);
    });
    if (c.passed && !L.scope) {
      var name = h('bdi', {text: INFO.learnerName || ''}), day = new Date((doneDay || today()) * 864e5);
      cert = [h('section', {class: 'qr-cert', 'aria-labelledby': 'qr-cert-h'}, [
        h('h2', {id: 'qr-cert-h', text: D.course.certificateTitle}), h('p', {text: t('cert_certifies')}),
        h('p', {class: 'qr-cert-name'}, name), h('p', {text: t('cert_completed')}),
        h('p', {class: 'qr-cert-course', text: D.course.title}),
        h('p', {text: t('cert_date', {date: intl(Intl.DateTimeFormat, {dateStyle: 'long', timeZone: 'UTC'})
          .format(day)})})]),
      INFO.learnerName ? null : h('p', {class: 'qr-name qr-noprint'}, [
        h('label', {for: 'qr-name', text: t('cert_name_label')}),
        h('input', {id: 'qr-name', type: 'text', autocomplete: 'name', oninput: e => {
          name.textContent = e.target.value;
        }})]),
      h('p', {class: 'qr-noprint'}, btn(t('cert_print'), () => { window.print(); }))];
    }
    return [t('complete_title'), [H1(t('complete_title')),
      h('p', {class: 'qr-lead', text: t(c.passed ? 'complete_passed' : c.passed === false ? 'complete_failed'
        : c.completed ? 'complete_completed' : 'complete_incomplete')}),
      h('div', {class: 'qr-table', role: 'region', tabindex: '0', 'aria-labelledby': 'qr-sum'}, h('table', {}, [
        h('caption', {id: 'qr-sum', text: t('complete_summary')}),
        h('thead', {}, h('tr', {}, ['complete_module', 'complete_status', 'complete_score', 'complete_time']
          .map(k => h('th', {scope: 'col', text: t(k)})))),
        h('tbody', {}, rows),
        h('tfoot', {}, h('tr', {}, [h('th', {scope: 'row', colspan: '3', text: t('complete_total')}),
          h('td', {text: minutes(total)})]))])),
      cert, h('p', {class: 'qr-noprint'}, link(L.scope ? MODS[0].id : '', t('complete_back')))]];
  }

  function vResume() {
    var saved = INFO.location || '';
    show(t('resume_title'), [H1(t('resume_title')), h('p', {text: t('resume_text')}), h('p', {class: 'qr-actions'}, [
      btn(t('resume_continue'), () => { go(mod(saved.split('/')[0]) || saved == '_complete' ? saved : ''); }),
      btn(t('resume_restart'), () => {
        // Back to the beginning; final results stay, since the LMS has recorded them.
        MODS.forEach(m => {
          var x = st(m), y = blank();
          y.t = x.t;
          if (x.r) { y.r = x.r; y.c = x.c; y.a = x.a; y.q = x.q; }
          if (x.d) { y.d = 1; y.s = x.s; }
          S[m.id] = y;
        });
        go('');
      }, 'qr-btn qr-sec')])], 'vResume');
  }

  // ---- start --------------------------------------------------------------------------------------------
  async function boot() {
    D = window.QR_DATA;
    L = window.QR_LAUNCH || {runtime: 'standalone', scope: null};
    L.options = L.options || {};
    var root = document.getElementById('qr') || document.body;
    MODS = D && D.schema == 1 ? (L.scope ? D.modules.filter(m => m.id == L.scope) : D.modules) : [];
    if (!MODS.length) {
      root.textContent = 'This course cannot start: ' + (D ? 'no module "' + L.scope + '"' : 'data.js is missing') +
        ' (QR_DATA schema 1 expected).';
      return;
    }
    U = D.ui || {};
    nf = intl(Intl.NumberFormat);
    document.documentElement.lang = D.lang.code;
    document.documentElement.dir = D.lang.dir;
    notes = h('div', {class: 'qr-notes', role: 'status'});
    main = h('main', {id: 'qr-main', class: 'qr-wrap', tabindex: '-1'});
    root.replaceChildren(h('a', {class: 'qr-skip', href: '#qr-main', text: t('app_skip'), onclick: e => {
      e.preventDefault();
      main.querySelector('h1').focus();
    }}), h('header', {class: 'qr-head'}, [h('div', {class: 'qr-wrap qr-bar'}, link('', D.course.title, 'qr-brand')),
      h('div', {class: 'qr-wrap'}, notes)]), main);
    S = {};
    MODS.forEach(m => { S[m.id] = blank(); });
    var ctx = {data: D, launch: L, log: log, notify: notify, t: t};
    try {
      A = RT[L.runtime || 'standalone'](ctx);
      INFO = (await A.start()) || {};
    } catch (e) {
      log('runtime ' + L.runtime + ' failed to start: ' + e);
      A = RT.standalone(ctx);
      INFO = await A.start();
      INFO.notice = t('notice_fallback');
    }
    RO = (INFO.mode && INFO.mode != 'normal') || INFO.credit === false;
    var saved = INFO.state ? dec(INFO.state) : null;
    if (INFO.state && !saved) log('saved state not understood, starting afresh: ' + String(INFO.state).slice(0, 40));
    if (saved) { doneDay = saved.day; S = saved.state; }
    MODS.forEach(m => { seen[m.id] = resKey(m); });
    if (INFO.standalone) notify(t('notice_standalone'));
    if (RO) notify(t('notice_review'));
    if (INFO.notice) notify(INFO.notice);
    addEventListener('hashchange', () => { first = false; render(); });
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState == 'hidden') { save(); vis = false; } else { vis = true; last = Date.now(); }
    });
    addEventListener('pagehide', finish);
    if (saved && !RO && progressed(saved.state)) vResume();
    else {
      if (!location.hash && INFO.location) history.replaceState(null, '', '#/' + INFO.location);
      render();
    }
  }

  // Standalone runtime: no LMS (web export, or a package opened outside an LMS); state kept in localStorage.
  QR.registerRuntime('standalone', ctx => {
    var key = 'qr:' + ctx.data.course.id + ':' + ctx.data.lang.code + ':' + (ctx.launch.scope || '*'), ls = null;
    try { ls = window.localStorage; ls.getItem(key); } catch (e) { ls = null; }
    return {
      start: () => {
        var v = null;
        try { v = JSON.parse(ls && ls.getItem(key)); } catch (e) { ctx.log('stored progress unreadable: ' + e); }
        return {state: v && v.s, location: v && v.l, mode: 'normal', credit: true, standalone: true,
          learnerName: null, notice: ls ? null : ctx.t('notice_storage')};
      },
      save: (s, l) => { if (ls) ls.setItem(key, JSON.stringify({s: s, l: l})); },
      finish: () => {}
    };
  });

  // The suspend-data codec, for tests and tools: encode(state, day) with state = {module id: blank()-shaped},
  // decode(string) -> {day, state}.
  QR.codec = {encode: enc, decode: dec};
  document.addEventListener('DOMContentLoaded', () => { boot().catch(e => { log('start: ' + e); }); });
})();
