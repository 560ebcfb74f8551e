// student.js — the student page: join the class, then a terminal on a pqsh session.
// Output arrives as Server-Sent Events (base64 bytes), keystrokes go out as POSTs,
// in order; the session's handle stays in sessionStorage so a reload resumes it.
'use strict';
(function () {
  const $ = (id) => document.getElementById(id);
  const params = new URLSearchParams(location.search);
  if (params.get('code')) $('code').value = params.get('code');
  if (params.get('name')) $('name').value = params.get('name');

  let sid = null, term = null, source = null, queue = '', sending = false;

  function decode(b64) {
    const bin = atob(b64), out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }

  // Keystrokes in order: one POST at a time, what was typed meanwhile goes next.
  function flush() {
    if (sending || !queue || !sid) return;
    const body = queue;
    queue = '';
    sending = true;
    fetch('/api/input?s=' + sid, {method: 'POST', body: body, headers: {'Content-Type': 'text/plain'}})
      .catch(() => {})
      .finally(() => { sending = false; flush(); });
  }

  function startTerminal() {
    if (!term) {
      term = new Terminal({cols: 100, rows: 30, cursorBlink: true, scrollback: 5000,
                           fontFamily: 'DejaVu Sans Mono, Menlo, Consolas, monospace', fontSize: 15});
      term.open($('terminal'));
      term.onData((d) => { queue += d; flush(); });
      window.pqshTerm = term; // the tests read the screen from here too
    }
    fetch('/api/resize?s=' + sid + '&cols=' + term.cols + '&rows=' + term.rows, {method: 'POST'});
    source = new EventSource('/api/output?s=' + sid);
    source.onmessage = (e) => term.write(decode(e.data));
    source.addEventListener('end', (e) => {
      source.close();
      $('ended-text').textContent = 'Session ended: ' + e.data + '. ';
      $('ended').hidden = false;
      sessionStorage.removeItem('pqsh-class');
    });
    term.focus();
  }

  async function join(name, code, resume) {
    $('join-error').textContent = '';
    let r;
    try {
      r = await fetch('/api/join', {method: 'POST', headers: {'Content-Type': 'application/json'},
                                    body: JSON.stringify({name, code, resume})});
    } catch (e) {
      $('join-error').textContent = 'The classroom cannot be reached: ' + e.message;
      return false;
    }
    const answer = await r.json();
    if (!r.ok) {
      $('join-error').textContent = answer.error;
      return false;
    }
    sid = answer.session;
    sessionStorage.setItem('pqsh-class', JSON.stringify({name, code, sid}));
    $('join').hidden = true;
    $('terminal-box').hidden = false;
    $('ended').hidden = true;
    $('who').textContent = answer.name;
    startTerminal();
    return true;
  }

  $('join').addEventListener('submit', (e) => {
    e.preventDefault();
    join($('name').value.trim(), $('code').value.trim(), null);
  });
  $('again').addEventListener('click', () => {
    if (term) term.reset();
    join($('name').value.trim(), $('code').value.trim(), null);
  });
  const saved = JSON.parse(sessionStorage.getItem('pqsh-class') || 'null');
  if (saved) {
    $('name').value = saved.name;
    $('code').value = saved.code;
    join(saved.name, saved.code, saved.sid);
  }
})();
