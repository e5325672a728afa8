import Hummingbird

/// The dashboard's stylesheet, script and icon, kept in the binary so the server works offline
/// and needs no files beside it.
struct StaticController {
    func register(on router: Router<EngineRequestContext>) {
        router.get("/static/app.css") { _, _ in Self.asset(Self.css, type: "text/css; charset=utf-8") }
        router.get("/static/app.js") { _, _ in Self.asset(Self.script, type: "text/javascript; charset=utf-8") }
        router.get("/static/icon.svg") { _, _ in Self.asset(Self.icon, type: "image/svg+xml") }
        // Browsers ask for /favicon.ico whatever the page links; an SVG answers it as well.
        router.get("/favicon.ico") { _, _ in Self.asset(Self.icon, type: "image/svg+xml") }
    }

    /// A line with a spike and its alert dot: the engine's business in one glyph.
    static let icon = """
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#1f77b4"/>\
        <polyline points="3,22 9,20 13,21 17,6 20,21 24,19 29,20" fill="none" stroke="#fff" stroke-width="2.5" \
        stroke-linejoin="round" stroke-linecap="round"/><circle cx="17" cy="6" r="3.2" fill="#ff6b6b"/></svg>
        """

    static func asset(_ text: String, type: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        headers[.cacheControl] = "public, max-age=3600"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static let css = """
        :root { --ink: #222; --muted: #666; --line: #ddd; --alert: #d62728; --accent: #1f77b4; --bg: #fafafa; --panel: #fff; color-scheme: light dark; }
        @media (prefers-color-scheme: dark) {
          :root { --ink: #e6e6e6; --muted: #a0a0a0; --line: #3a3a3a; --alert: #ff6b6b; --accent: #6cb6ff; --bg: #121212; --panel: #1e1e1e; }
          .chart svg { background: #fff; border-radius: 4px; }
        }
        * { box-sizing: border-box; }
        a { color: var(--accent); }
        body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
        header.top { display: flex; align-items: center; justify-content: space-between; padding: .6rem 1.2rem; background: var(--panel); border-bottom: 1px solid var(--line); }
        .brand { font-weight: 700; color: var(--ink); text-decoration: none; }
        .refresh { margin-left: 1rem; color: var(--muted); font-size: .9rem; }
        nav a, nav .link { margin-left: 1rem; color: var(--accent); text-decoration: none; background: none; border: 0; font: inherit; cursor: pointer; }
        main { max-width: 1200px; margin: 0 auto; padding: 1rem 1.2rem 3rem; }
        h1 { font-size: 1.5rem; margin: .4rem 0 1rem; }
        h2 { font-size: 1.1rem; margin: 1.4rem 0 .5rem; }
        .muted { color: var(--muted); }
        .cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(240px, 1fr)); gap: 1rem; }
        .card { display: block; padding: 1rem; background: var(--panel); border: 1px solid var(--line); border-radius: 8px; color: inherit; text-decoration: none; }
        .card:hover { border-color: var(--accent); }
        .card.alerting { border-left: 4px solid var(--alert); }
        .card h2 { margin: 0 0 .5rem; font-size: 1.05rem; }
        dl { display: grid; grid-template-columns: auto 1fr; gap: .15rem .8rem; margin: 0; }
        dt { color: var(--muted); } dd { margin: 0; text-align: right; }
        .tag, .stale { font-size: .75rem; padding: 0 .35rem; border-radius: 4px; background: #eee; color: var(--muted); }
        .state { font-size: .75rem; padding: 0 .35rem; border-radius: 4px; color: #fff; }
        .state-pending { background: #8a5a00; }
        .state-firing { background: #b00020; }
        .state-silent { background: #4a4a8a; }
        .empty { padding: 2rem; background: var(--panel); border: 1px dashed var(--line); border-radius: 8px; }
        .errors { padding: 1rem; color: #222; background: #fff4f4; border: 1px solid #f2c0c0; border-radius: 8px; margin-bottom: 1rem; }
        .delivery { display: inline-block; font-size: .75rem; padding: 0 .35rem; margin: 0 .2rem .1rem 0; border-radius: 4px; background: #eee; color: #333; white-space: nowrap; }
        .delivery-failed, .delivery-unconfigured { background: #b00020; color: #fff; }
        .chart { position: relative; }
        .muted-note { font-size: .8rem; color: var(--muted); white-space: nowrap; }
        .card .silence { white-space: normal; margin: .5rem 0 0; }
        .metrics.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(360px, 1fr)); gap: 0 1rem; }
        .metrics.grid .metric h2 { font-size: .95rem; } .metrics.grid .stats, .metrics.grid .legend { font-size: .75rem; }
        .views, .zoom { margin-left: .8rem; }
        .table-scroll { overflow-x: auto; }
        .metrics-table td.spark svg { width: 120px; height: 28px; }
        .legend { list-style: none; display: flex; flex-wrap: wrap; gap: .2rem 1rem; padding: 0; margin: .2rem 0 0; font-size: .8rem; color: var(--muted); }
        .swatch { display: inline-block; width: .9rem; height: .6rem; margin-right: .3rem; border-radius: 2px; vertical-align: middle; }
        .swatch-value { background: #1f77b4; } .swatch-band { background: #d6e6f2; } .swatch-score { background: #6a3d9a; }
        .swatch-threshold { background: #7f7f7f; height: 2px; } .swatch-alert { background: #d62728; border-radius: 50%; width: .6rem; }
        .swatch-change { background: #ff7f0e; border-radius: 50%; width: .6rem; } .swatch-tholdalert { background: #e377c2; border-radius: 50%; width: .6rem; }
        .tip { position: absolute; pointer-events: none; padding: .2rem .45rem; font-size: .8rem; color: #fff; background: rgba(20, 20, 20, .88); border-radius: 4px; white-space: nowrap; z-index: 2; }
        .delivery-muted { background: #4a4a8a; color: #fff; }
        .field-error { display: block; color: var(--alert); font-size: .85rem; margin-top: .2rem; }
        input[aria-invalid="true"] { border: 2px solid var(--alert); }
        .flash { padding: .6rem 1rem; color: #222; background: #fff8e1; border: 1px solid #f3d27a; border-radius: 6px; }
        .filters, .run-now { display: inline-flex; gap: .8rem; align-items: center; margin: 0 1.5rem .8rem 0; }
        form.inline { display: inline; }
        input, select, button { font: inherit; padding: .25rem .5rem; }
        .metric { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: .6rem 1rem; margin-bottom: 1rem; }
        .metric h2 { margin: .2rem 0; }
        .stats { color: var(--muted); margin: 0 0 .4rem; }
        .chart svg { width: 100%; height: auto; display: block; }
        table { border-collapse: collapse; width: 100%; background: var(--panel); }
        th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid var(--line); vertical-align: middle; }
        tr.critical td:first-child { border-left: 3px solid var(--alert); }
        tr.failed td { color: var(--alert); }
        .spark svg { width: 120px; height: 28px; display: block; }
        .thumb { border: 1px solid var(--line); background: var(--panel); border-radius: 4px; cursor: pointer; }
        .thumb.chosen { background: var(--accent); border-color: var(--accent); box-shadow: 0 0 0 2px var(--accent); }
        .filters { flex-wrap: wrap; }
        @media (max-width: 700px) {
          main { padding: .6rem .6rem 2rem; }
          table.alerts, .maintenance table, table.runs, table.daily, table.precision, table.deliveries-detail { display: block; overflow-x: auto; white-space: nowrap; }
          .filters label, .maintenance-form label { display: block; }
        }
        .pager { display: flex; gap: 1rem; margin-top: 1rem; }
        table.precision { width: auto; margin-bottom: 1.5rem; }
        code { font-size: .9em; }
        """

    static let script = """
        // Confirm before muting a metric for good; everything else works without script.
        document.addEventListener('click', (event) => {
          const button = event.target.closest('button[name="for"][value="forever"]');
          if (button && !window.confirm('Mute notifications for this metric until it is unmuted?')) event.preventDefault();
        });
        // Charts: a crosshair and a readout of the time, value, score and marks of the point under
        // the pointer. The points come with the chart (its .readout element), in the chart's units.
        document.addEventListener('mousemove', (event) => {
          const svg = event.target.closest && event.target.closest('.chart svg');
          document.querySelectorAll('.chart .tip').forEach((tip) => { if (!svg || tip.parentNode !== svg.parentNode) tip.remove(); });
          document.querySelectorAll('.chart line.crosshair').forEach((line) => { if (!svg || line.ownerSVGElement !== svg) line.remove(); });
          if (!svg) return;
          const holder = svg.parentNode;
          const source = holder.querySelector('.readout');
          if (!source) return;
          if (!source.parsed) source.parsed = JSON.parse(source.dataset.points);
          const data = source.parsed;
          if (!data.points.length) return;
          const matrix = svg.getScreenCTM();
          if (!matrix) return;
          const at = new DOMPoint(event.clientX, event.clientY).matrixTransform(matrix.inverse());
          let low = 0, high = data.points.length - 1;
          while (low < high) { const mid = (low + high) >> 1; if (data.points[mid][0] < at.x) low = mid + 1; else high = mid; }
          if (low > 0 && Math.abs(data.points[low - 1][0] - at.x) < Math.abs(data.points[low][0] - at.x)) low -= 1;
          const [x, time, value, score, marks] = data.points[low];
          let line = svg.querySelector('line.crosshair');
          if (!line) {
            line = document.createElementNS('http://www.w3.org/2000/svg', 'line');
            line.setAttribute('class', 'crosshair');
            line.setAttribute('stroke', '#555');
            line.setAttribute('stroke-dasharray', '3 3');
            svg.appendChild(line);
          }
          line.setAttribute('x1', x); line.setAttribute('x2', x);
          line.setAttribute('y1', data.top); line.setAttribute('y2', data.bottom);
          let tip = holder.querySelector('.tip');
          if (!tip) { tip = document.createElement('div'); tip.className = 'tip'; holder.appendChild(tip); }
          tip.textContent = time + ' UTC · value ' + value + (score ? ' · score ' + score : '') + (marks ? ' · ' + marks : '');
          const box = holder.getBoundingClientRect();
          tip.style.left = Math.min(event.clientX - box.left + 12, box.width - tip.offsetWidth - 4) + 'px';
          tip.style.top = (event.clientY - box.top + 12) + 'px';
        });
        // Refresh: every n seconds while the page is shown and nobody is typing in it, ask for the
        // page again (a 304 when nothing changed, thanks to its ETag) and swap in its content when
        // it differs, without a reload: the scroll position and open details stay. The header says
        // when the content was last checked. The choice is kept in this browser for every page.
        (() => {
          const select = document.getElementById('refresh');
          if (!select) return;
          const stamp = document.getElementById('updated');
          const seconds = Number(localStorage.getItem('engine.refresh') || 0);
          select.value = String(seconds);
          select.addEventListener('change', () => { localStorage.setItem('engine.refresh', select.value); location.reload(); });
          let checked = Date.now();
          const tick = () => {
            if (stamp) stamp.textContent = 'updated ' + Math.round((Date.now() - checked) / 1000) + ' s ago';
          };
          const update = async () => {
            const typing = document.activeElement && ['INPUT', 'TEXTAREA', 'SELECT'].includes(document.activeElement.tagName)
              && document.activeElement !== select;
            if (document.visibilityState !== 'visible' || typing) return;
            try {
              const response = await fetch(location.href, { cache: 'no-cache', credentials: 'same-origin' });
              if (!response.ok) return;
              const next = new DOMParser().parseFromString(await response.text(), 'text/html').querySelector('main');
              const current = document.querySelector('main');
              if (next && current && next.innerHTML !== current.innerHTML) current.innerHTML = next.innerHTML;
              checked = Date.now();
              tick();
            } catch (error) {
              // Offline or the server restarting: the stamp keeps counting, the next tick tries again.
            }
          };
          if (seconds > 0) {
            tick();
            setInterval(tick, 1000);
            setInterval(update, seconds * 1000);
          }
        })();
        """
}
