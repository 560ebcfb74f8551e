// teacher.js — the teacher page: every student, refreshed each second; reset; CSV.
'use strict';
(function () {
  const token = new URLSearchParams(location.search).get('token') || '';
  const q = 'token=' + encodeURIComponent(token);
  const $ = (id) => document.getElementById(id);
  $('csv').href = '/api/teacher/results.csv?' + q;

  function ago(s) {
    if (s < 60) return s + ' s ago';
    if (s < 3600) return Math.floor(s / 60) + ' min ago';
    return Math.floor(s / 3600) + ' h ago';
  }

  function cell(tr, text, cls) {
    const td = document.createElement('td');
    td.textContent = text == null ? '' : String(text);
    if (cls) td.className = cls;
    tr.appendChild(td);
    return td;
  }

  function resetButton(tr, name) {
    const b = document.createElement('button');
    b.textContent = 'Reset database';
    b.className = 'reset';
    b.addEventListener('click', () => reset(name));
    cell(tr, '').appendChild(b);
  }

  async function reset(name) {
    if (!confirm('Reset ' + name + "'s database? Every table of theirs is dropped.")) return;
    const r = await fetch('/api/teacher/reset?' + q + '&name=' + encodeURIComponent(name), {method: 'POST'});
    if (!r.ok) $('error').textContent = (await r.json()).error;
    refresh();
  }

  async function refresh() {
    let r;
    try {
      r = await fetch('/api/teacher/state?' + q);
    } catch (e) {
      $('error').textContent = 'The classroom cannot be reached.';
      return;
    }
    const state = await r.json();
    if (!r.ok) {
      $('error').textContent = state.error;
      return;
    }
    $('error').textContent = '';
    const body = document.querySelector('#students tbody');
    body.textContent = '';
    let finished = 0;
    for (const s of state.students) {
      const tr = document.createElement('tr');
      tr.dataset.name = s.name;
      if (s.steps && s.done === s.steps) { tr.className = 'finished'; finished++; }
      cell(tr, s.name + (s.ended ? ' (session ended)' : ''), 'name');
      cell(tr, s.tutorial || '—');
      cell(tr, s.steps ? s.done + ' / ' + s.steps : '—', 'progress');
      cell(tr, s.statements);
      cell(tr, s.errors);
      cell(tr, s.last_statement, 'code' + (s.last_ok ? '' : ' failed'));
      cell(tr, s.last_error, 'code failed');
      cell(tr, ago(s.idle_s));
      resetButton(tr, s.name);
      body.appendChild(tr);
    }
    for (const s of state.native || []) {
      const tr = document.createElement('tr');
      tr.dataset.name = s.name;
      tr.className = 'native';
      cell(tr, s.name + ' (pqsh --endpoint-url)', 'name');
      cell(tr, '—');
      cell(tr, '—', 'progress');
      cell(tr, '—');
      cell(tr, '—');
      cell(tr, s.tables + ' table' + (s.tables === 1 ? '' : 's') + ', ' + s.items + ' item' +
           (s.items === 1 ? '' : 's') + ' (' + s.region + ')', 'code');
      cell(tr, '');
      cell(tr, '');
      resetButton(tr, s.name);
      body.appendChild(tr);
    }
    $('summary').textContent = state.students.length + ' student' +
      (state.students.length === 1 ? '' : 's') + ', ' + finished + ' finished the tutorial.';
  }
  refresh();
  setInterval(refresh, 1000);
})();
