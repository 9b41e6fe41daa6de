"""The page's own script (passed to gradio as head=): small behaviours gradio has no component for.

- Opening a citation's 在原文中查看 scrolls the full text to the highlighted quote.
- [n] in an answer is a link to its citation card: a click scrolls the card into view and flashes
  it. An earlier answer's cards appear once gradio has shown them (clicking the answer selects it),
  so the script waits for the card a moment.
- A table grid wider than its panel scrolls sideways to its cited cell.
- An export, once written, is downloaded at once (the file link stays on the page too).
- The report page (报告详情): a click on a table cell opens the row it was read from (kept hidden
  below the grid) right under the cell's row, the cell's own characters marked; a finding's cell
  link (and a cell's ⚠) scrolls to its target and flashes it, a cell also opening its row.
"""

HEAD = """<script>
(() => {
  document.addEventListener('toggle', (e) => {
    const d = e.target; if (!d.open || !d.classList || !d.classList.contains('rq-full')) return;
    const box = d.querySelector('.rq-fulltext'), m = d.querySelector('mark.hit');
    if (box && m) box.scrollTop = m.offsetTop - box.offsetTop - box.clientHeight / 3;
  }, true);

  const flash = (card) => {
    card.scrollIntoView({behavior: 'smooth', block: 'start'});
    card.classList.remove('rq-flash'); void card.offsetWidth; card.classList.add('rq-flash');
  };
  window.rqGoto = (id) => {
    let tries = 0;
    const go = () => {
      const card = document.getElementById(id);
      if (card) return flash(card);
      if (tries++ < 60) setTimeout(go, 150);
    };
    go();
  };
  document.addEventListener('click', (e) => {
    const a = e.target.closest && e.target.closest('a.rq-ref');
    if (!a) return;
    e.preventDefault();  // no navigation; the click still reaches the chat, which shows that answer's sources
    window.rqGoto((a.getAttribute('href') || '').slice(1));
  }, true);

  // a table grid wider than its panel (a phone) scrolls sideways to its cited cell
  new MutationObserver(() => {
    document.querySelectorAll('.rq-scroll:not([data-centred])').forEach((box) => {
      const td = box.querySelector('td.hit-cell');
      box.dataset.centred = '1';
      if (td && box.scrollWidth > box.clientWidth) box.scrollLeft = td.offsetLeft - box.clientWidth / 2 + td.offsetWidth;
    });
  }).observe(document.documentElement, {childList: true, subtree: true});

  const showSource = (a) => {
    const box = a.closest('.rq-rp-table'), src = document.getElementById(a.dataset.src || '');
    const td = a.closest('td'), tr = td && td.closest('tr');
    if (!box || !src || !tr) return;
    const store = box.querySelector('.rq-srcs');
    let holder = box.querySelector('tr.rq-src-row');
    if (!holder) {
      holder = document.createElement('tr');
      holder.className = 'rq-src-row';
      holder.appendChild(document.createElement('td'));
    }
    holder.querySelectorAll('.rq-src').forEach((s) => { s.hidden = true; store.appendChild(s); });
    holder.firstChild.colSpan = [...tr.cells].reduce((n, c) => n + c.colSpan, 0);
    holder.firstChild.appendChild(src);
    src.hidden = false;
    const scroller = box.querySelector('.rq-scroll');  // a grid wider than the screen: the row fits the screen
    if (scroller) src.style.maxWidth = Math.max(200, scroller.clientWidth - 24) + 'px';
    tr.after(holder);
    box.querySelectorAll('.rq-picked').forEach((x) => x.classList.remove('rq-picked'));
    td.classList.add('rq-picked');
    const value = document.getElementById(a.dataset.value || '');
    if (value) value.classList.add('rq-picked');
  };
  document.addEventListener('click', (e) => {
    const a = e.target.closest && e.target.closest('a.rq-cellsrc, a.rq-jump');
    if (!a) return;
    e.preventDefault();
    if (a.classList.contains('rq-cellsrc')) return showSource(a);
    const target = document.getElementById((a.getAttribute('href') || '').slice(1));
    if (!target) return;
    target.scrollIntoView({behavior: 'smooth', block: 'center'});
    target.classList.remove('rq-flash'); void target.offsetWidth; target.classList.add('rq-flash');
    const cell = target.querySelector('a.rq-cellsrc');
    if (cell) showSource(cell);
  }, true);

  window.rqDownload = (before) => {
    let tries = 0;
    const go = () => {
      const a = document.querySelector('#rq-export-file a[href]');
      if (a && a.href !== before) { a.click(); return; }
      if (tries++ < 60) setTimeout(go, 150);
    };
    go();
  };
})();
</script>"""

# Given to gradio as the js= of the export buttons' click: remember the old link before the new file comes.
EXPORT_BEFORE = "(...args) => { window.rqExportBefore = document.querySelector('#rq-export-file a[href]')?.href || ''; return args; }"
EXPORT_AFTER = "() => { window.rqDownload(window.rqExportBefore || ''); }"
