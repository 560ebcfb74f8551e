// class_browser.mjs — the classroom in a real browser (headless Chromium, puppeteer-core):
// a student joins, types the idempotency tutorial into the web terminal (a wrong step
// first, which must get its hint), and reads each result off the page; the teacher
// page shows the student at 4 / 4; the CSV has the row; the teacher's reset empties
// the student's tables. Screenshots of both pages go to SHOTS_DIR.
// Usage: node class_browser.mjs CLASS_URL CLASS_CODE TEACHER_TOKEN SHOTS_DIR
import puppeteer from 'puppeteer-core';
import assert from 'node:assert/strict';

const [url, code, token, shots] = process.argv.slice(2);
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  protocolTimeout: 60000,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
let failed = 0;
function check(what, ok, detail) {
  console.log((ok ? 'ok   ' : 'FAIL ') + what);
  if (!ok) { failed++; if (detail) console.log(detail); }
}

try {
  const student = await browser.newPage();
  await student.setViewport({width: 1080, height: 760});
  await student.goto(url + '/');
  // Wrong code first: refused on the page, clearly.
  await student.type('#name', 'alice');
  await student.type('#code', 'WRONG1');
  await student.click('button[type=submit]');
  await student.waitForFunction(() => document.getElementById('join-error').textContent !== '');
  const refused = await student.$eval('#join-error', (e) => e.textContent);
  check('a wrong class code is refused on the page', /wrong class code/.test(refused), refused);
  await student.$eval('#code', (e) => { e.value = ''; });
  await student.type('#code', code);
  await student.click('button[type=submit]');

  // The whole terminal (scrollback included), as xterm.js holds it.
  const screen = () => student.evaluate(() => {
    const b = window.pqshTerm.buffer.active, out = [];
    for (let i = 0; i < b.length; i++) out.push(b.getLine(i).translateToString(true));
    return out.join('\n');
  });
  // What is on screen after `mark` (the text typed last) — waits until `want` shows.
  async function waitFor(want, what) {
    const t0 = Date.now();
    for (;;) {
      const s = await screen();
      if (want.test(s)) return s;
      if (Date.now() - t0 > 30000) { check(what, false, s.split('\n').slice(-25).join('\n')); return s; }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  async function typeLine(text) {
    await student.keyboard.type(text);
    await student.keyboard.press('Enter');
  }
  await student.waitForFunction(() => window.pqshTerm !== undefined);
  await waitFor(/pqsh local> $/m, 'the prompt shows');
  await student.focus('.xterm-helper-textarea');

  await typeLine('.tutorial idempotency');
  let s = await waitFor(/Step 1 \/ 4/, 'the tutorial starts');
  check('the tutorial starts in the browser', /Progress 0 \/ 4 steps/.test(s));

  await typeLine('CREATE TABLE Orderz (idempotency_token STRING PRIMARY KEY);');
  s = await waitFor(/Not yet: there is no table 'Orders' yet\.\nHint: Use CREATE TABLE Orders/,
                    'a wrong step gets its hint');
  check('a wrong step gets "Not yet" and its hint', /Hint: Use CREATE TABLE Orders/.test(s));

  await typeLine('CREATE TABLE Orders (idempotency_token STRING PRIMARY KEY);');
  await waitFor(/Step 1 done\. Progress 1 \/ 4 steps/, 'step 1 done');
  // Multi-line input: the statement continues on a `->` prompt.
  await typeLine("INSERT INTO Orders VALUE {'idempotency_token': 'token123', 'order_id': 'order001',");
  await waitFor(/pqsh local-> $/m, 'the continuation prompt shows');
  await typeLine("  'customer_name': 'Alice', 'order_amount': 100};");
  await waitFor(/Step 2 done\. Progress 2 \/ 4 steps/, 'step 2 done (multi-line)');
  await typeLine("SET token_to_check = 'token123';");
  await waitFor(/Step 3 done\. Progress 3 \/ 4 steps/, 'step 3 done');
  // Tab completes the variable's name, as at a terminal.
  await student.keyboard.type('SELECT * FROM Orders WHERE idempotency_token = :tok');
  await student.keyboard.press('Tab');
  await waitFor(/= :token_to_check/, 'Tab completes the variable name');
  await typeLine(';');
  s = await waitFor(/Tutorial 'idempotency' complete: 4 of 4 steps done\./, 'step 4 and the end');
  check('the result shows on the page', /token123 .*order001|order001.*token123/s.test(s) &&
        /Step 4 done\. Progress 4 \/ 4 steps/.test(s), s.split('\n').slice(-30).join('\n'));
  // Up recalls the last statement from history.
  await student.keyboard.press('ArrowUp');
  await waitFor(/pqsh local> SELECT \* FROM Orders WHERE idempotency_token = :token_to_check ?;$/m,
                'Up recalls the last statement');
  await student.keyboard.down('Control'); await student.keyboard.press('KeyU'); await student.keyboard.up('Control');
  // A server file is refused in the browser shell.
  await typeLine('.read /etc/passwd');
  await waitFor(/'\.read' is not available in the classroom/, '.read of a server file is refused');
  await typeLine('.tables');
  await waitFor(/Orders/, 'the table is listed');
  await student.screenshot({path: shots + '/class-student.png'});
  check('every step typed into the web terminal passed', true);

  // The teacher page: alice at 4 / 4.
  const teacher = await browser.newPage();
  await teacher.setViewport({width: 1300, height: 420});
  await teacher.goto(url + '/teacher?token=' + token);
  await teacher.waitForFunction(() => {
    const row = document.querySelector('tr[data-name="alice"] td.progress');
    return row && row.textContent === '4 / 4';
  }, {timeout: 30000}).then(() => check('the teacher page shows alice at 4 / 4', true),
                            () => check('the teacher page shows alice at 4 / 4', false));
  const row = await teacher.$eval('tr[data-name="alice"]', (e) => e.textContent);
  check('the teacher sees the last statement and the last error',
        row.includes('.tables') && row.includes("'.read' is not available in the classroom"), row);
  await teacher.screenshot({path: shots + '/class-teacher.png'});

  // The CSV, as the page's link downloads it.
  const csv = await teacher.evaluate(async () => (await fetch(document.getElementById('csv').href)).text());
  check('the CSV has alice at 4 of 4', csv.split('\r\n').some((l) => l.startsWith('"alice","idempotency","4","4",')), csv);

  // A wrong token is refused on the teacher page.
  const intruder = await browser.newPage();
  await intruder.goto(url + '/teacher?token=0123456789abcdef0123456789abcdef');
  await intruder.waitForFunction(() => document.getElementById('error').textContent !== '');
  check('a wrong teacher token is refused', /wrong teacher token/.test(
    await intruder.$eval('#error', (e) => e.textContent)));
  check('and shows no student', (await intruder.$$('tr[data-name]')).length === 0);

  // Reset: the student's tables are gone, the student is told.
  await teacher.bringToFront(); // a page in the background runs no animation frames
  await teacher.evaluate(() => { window.confirm = () => true; }); // the "are you sure?" box
  await teacher.click('tr[data-name="alice"] button.reset');
  await student.bringToFront();
  await waitFor(/Your teacher reset your database[^]*pqsh local> $/m, 'the student is told of the reset');
  await student.focus('.xterm-helper-textarea');
  await typeLine('SELECT * FROM Orders;');
  s = await waitFor(/reset your database[^]*ResourceNotFoundException/, 'reset empties the tables');
  check('after the reset the student has no Orders table', /ResourceNotFoundException/.test(s.split('reset your database').pop()));
} catch (e) {
  console.log('FAIL ' + (e.stack || e));
  failed++;
} finally {
  await browser.close();
}
console.log(failed ? failed + ' failed' : 'all passed');
process.exit(failed ? 1 : 0);
