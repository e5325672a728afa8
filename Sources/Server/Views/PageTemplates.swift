/// The dashboard's Stencil templates. Every value reaching them is already HTML-escaped
/// (see `PageRenderer`); charts arrive as `SafeHTML`.
enum PageTemplates {
    static let all: [String: String] = [
        "base.html": base, "home.html": home, "batch.html": batch, "anomalies.html": anomalies,
        "settings.html": settings, "runs.html": runs, "login.html": login, "error.html": error, "alert.html": alert,
        "verdict.html": verdict,
    ]

    static let base = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{ page_title }} · anomaly engine</title>
        <link rel="stylesheet" href="/static/app.css">
        <link rel="icon" href="/static/icon.svg" type="image/svg+xml">
        </head>
        <body data-page="{{ page_name }}">
        <header class="top">
          <a class="brand" href="/">anomaly engine</a>
          <nav>
            <a href="/">Batches</a>
            <a href="/anomalies">Anomalies</a>
            <a href="/runs">Runs</a>
            <label class="refresh">Refresh <select id="refresh" aria-label="refresh the page">
              <option value="0">off</option><option value="10">10 s</option><option value="30">30 s</option><option value="60">1 min</option><option value="300">5 min</option>
            </select></label> <span id="updated" class="updated muted" aria-live="off"></span>
            {% if logged_in %}<form method="post" action="/logout" class="inline"><button type="submit" class="link">Log out</button></form>
            {% else %}<a href="/login">Log in</a>{% endif %}
          </nav>
        </header>
        <main>
        {% if flash %}<p class="flash">{{ flash }}</p>{% endif %}
        {% block content %}{% endblock %}
        </main>
        <script src="/static/app.js" defer></script>
        </body>
        </html>
        """

    static let home = """
        {% extends "base.html" %}
        {% block content %}
        <h1>Metric batches</h1>
        {% if config_errors %}
        <section class="errors"><h2>Configuration problems</h2><p>These changes were not applied; the affected batches keep their previous settings.</p>
        <ul>{% for e in config_errors %}<li><code>{{ e }}</code></li>{% endfor %}</ul></section>
        {% endif %}
        {% if cards %}
        <p class="muted">Alerts and scores over the last {{ span }}. Most alerts first.</p>
        <div class="cards">
        {% for card in cards %}
          <a class="card{% if card.alerts %} alerting{% endif %}" href="/batches/{{ card.path }}" data-batch="{{ card.batch }}">
            <h2>{{ card.batch }}{% if card.disabled %} <span class="tag">disabled</span>{% endif %}</h2>
            <dl>
              <dt>Metrics</dt><dd>{{ card.metrics }}</dd>
              <dt>Latest point</dt><dd>{{ card.latest }}</dd>
              <dt>Average score</dt><dd>{{ card.mean_score }}</dd>
              <dt>Alerts</dt><dd class="alerts">{{ card.alerts }}</dd>
            </dl>
            {% for silence in card.silences %}<p class="muted-note silence">🔕 {{ silence }}</p>{% endfor %}
          </a>
        {% endfor %}
        </div>
        {% else %}
        <section class="empty">
          <h2>No metric batches yet</h2>
          <p>Add a folder under <code>{{ metrics_dir }}</code> with a YAML file that names its <code>metric_batch</code> and has an
          <code>ingest_sql</code> or an <code>ingest_fn</code>. The engine picks it up within seconds, no restart needed.</p>
          <p>Check a folder with <code>engine validate</code>.</p>
        </section>
        {% endif %}
        {% endblock %}
        """

    static let batch = """
        {% extends "base.html" %}
        {% block content %}
        <h1>{{ batch }}</h1>
        <p class="actions"><a href="/settings/{{ path }}">Settings</a> · <a href="/runs?batch={{ path }}">Runs</a></p>
        <form class="filters" method="get" action="/batches/{{ path }}">
          <label>Metric <input type="search" name="q" value="{{ q }}" placeholder="regex, e.g. ^orders"></label>
          <label>Window <input type="text" name="window" value="{{ window }}" size="6" title="90n = last 90 points; 24h; 7d"></label>
          {% if view and view != "charts" %}<input type="hidden" name="view" value="{{ view }}">{% endif %}{% if sort and sort != "rate" %}<input type="hidden" name="sort" value="{{ sort }}">{% endif %}
          <button type="submit">Show</button>
        </form>
        <form class="inline run-now" method="post" action="/batches/{{ path }}/run">
          <label>Run now <select name="job">{% for job in jobs %}<option>{{ job }}</option>{% endfor %}</select></label>
          <button type="submit">Run</button>
        </form>
        <form class="inline mute-batch" method="post" action="/batches/{{ path }}/mute">
          <input type="hidden" name="return" value="/batches/{{ path }}">
          <label>Silence the whole batch for <select name="for">{% for d in snooze_choices %}<option value="{{ d }}">{{ d }}</option>{% endfor %}<option value="forever">until unmuted</option></select></label>
          <button type="submit" title="alerts are still detected and recorded; their notifications are held">Silence</button>
        </form>
        {% if batch_mute %}<p class="muted-note">Notifications of this batch are held {{ batch_mute }}.
          <form method="post" action="/batches/{{ path }}/unmute" class="inline"><input type="hidden" name="return" value="/batches/{{ path }}"><button type="submit">Unmute</button></form></p>{% endif %}
        {% if input_error %}<p class="errors" role="alert">{{ input_error }}</p>{% else %}
        <p class="muted">{{ total }} metrics match{% if q %} “{{ q }}”{% endif %}, highest anomaly rate first. Page {{ page }} of {{ pages }}.
        <span class="views">View: {% for v in views %}{% if v.current %}<strong aria-current="page">{{ v.name }}</strong>{% else %}<a href="{{ v.link }}">{{ v.name }}</a>{% endif %} {% endfor %}</span>
        <span class="zoom">Window {{ window }}{% if zoom_in %} · <a href="{{ zoom_in }}" title="the last {{ zoom_in_window }}">zoom in</a>{% endif %}{% if zoom_out %} · <a href="{{ zoom_out }}" title="the last {{ zoom_out_window }}">zoom out</a>{% endif %}</span></p>{% endif %}
        {% if stale_hidden %}<p class="muted stale-note">{{ stale_hidden }} stale metrics (no point in the last {{ stale_days }} days, <code>dashboard_stale_metric_max_days_ago</code>) are left out: <a href="{{ stale_link }}">show them</a>.</p>{% endif %}
        {% if view == "table" %}
        <div class="table-scroll"><table class="metrics-table">
        <thead><tr><th><a href="{{ sort_links.name }}">Metric</a></th><th>Points</th><th>Latest value</th><th><a href="{{ sort_links.latest }}">Latest</a></th>
        <th><a href="{{ sort_links.score }}">Mean score</a></th><th><a href="{{ sort_links.alerts }}">Alerts</a></th><th><a href="{{ sort_links.rate }}">Anomaly rate</a></th><th>Values</th></tr></thead>
        <tbody>
        {% for panel in panels %}<tr data-metric="{{ panel.metric }}"><td><a href="/batches/{{ path }}?q={{ panel.metric_query }}&amp;window={{ window }}">{{ panel.metric }}</a>{% if panel.stale %} <span class="stale">stale</span>{% endif %}</td>
        <td>{{ panel.points }}</td><td>{{ panel.latest_value }}</td><td>{{ panel.latest }}</td><td>{{ panel.mean_score }}</td><td>{{ panel.alerts }}</td><td>{{ panel.rate }}</td><td class="spark">{{ panel.sparkline }}</td></tr>
        {% empty %}<tr><td colspan="8">No metric matches.</td></tr>{% endfor %}
        </tbody></table></div>
        {% else %}
        <div class="metrics {{ view }}">
        {% for panel in panels %}
        <section class="metric" data-metric="{{ panel.metric }}" id="{{ panel.anchor }}">
          <h2>{{ panel.metric }}{% if panel.stale %} <span class="stale">stale</span>{% endif %}{% if panel.state %} <span class="state state-{{ panel.state }}" title="{{ panel.state_detail }}">{{ panel.state }}</span>{% endif %}{% if panel.silent %} <span class="state state-silent" title="{{ panel.silent }}">silent</span>{% endif %}</h2>
          <p class="stats">{{ panel.points }} points · mean score {{ panel.mean_score }} · {{ panel.alerts }} alerts · anomaly rate {{ panel.rate }} · latest {{ panel.latest }}</p>
          <div class="chart">{{ panel.chart }}</div>
        </section>
        {% empty %}
        <section class="empty"><p>No metric matches. {% if q %}Clear the search, or widen the window.{% else %}No values stored yet: run the ingest job.{% endif %}</p></section>
        {% endfor %}
        </div>
        {% endif %}
        <nav class="pager">
          {% if previous %}<a rel="prev" href="{{ previous }}">← Previous</a>{% endif %}
          {% if next %}<a rel="next" href="{{ next }}">Next →</a>{% endif %}
        </nav>
        <section class="maintenance" id="maintenance">
          <h2>Maintenance windows</h2>
          <p class="muted">Inside a window, alerts are still detected and recorded; their notifications are held (recorded as muted, with the window that held them), not sent.</p>
          {% if maintenance %}
          <table><thead><tr><th>When (UTC)</th><th>From</th><th>State</th><th>Reason</th><th></th></tr></thead><tbody>
          {% for w in maintenance %}<tr data-window="{{ w.id }}"><td>{{ w.summary }}</td><td>{{ w.source }}</td><td>{{ w.state }}</td><td>{{ w.reason }}</td>
          <td>{% if w.id %}<form method="post" action="/batches/{{ path }}/maintenance/{{ w.id }}/remove" class="inline"><button type="submit" name="remove" value="1">Remove</button></form>{% endif %}</td></tr>{% endfor %}
          </tbody></table>
          {% else %}<p class="muted">None.</p>{% endif %}
          <form method="post" action="/batches/{{ path }}/maintenance" class="maintenance-form">
            <fieldset><legend>Plan a window: a start and an end, or a cron and a duration</legend>
            <label>Start <input name="start" placeholder="2026-12-08 22:00 (empty: now)"></label>
            <label>End <input name="end" placeholder="2026-12-09 01:00"></label>
            <label><input type="checkbox" name="forever"> no end</label>
            <span class="muted">— or —</span>
            <label>Cron <input name="cron" placeholder="0 2 * * 0"></label>
            <label>Duration <input name="duration" placeholder="2h"></label>
            <label>Metrics <input name="metrics" placeholder="all (or: orders, refunds)"></label>
            <label>Tags <input name="match" placeholder="team=storage"></label>
            <label>Reason <input name="reason" placeholder="deploy 4.2"></label>
            <button type="submit">Plan</button>
            </fieldset>
          </form>
        </section>
        {% endblock %}
        """

    static let anomalies = """
        {% extends "base.html" %}
        {% block content %}
        <h1>Anomalies</h1>
        <p class="muted">Alerts over the last {{ span }}, newest first. 👍 marks a real problem, 👎 a false alarm.</p>
        <form class="filters" method="get" action="/anomalies">
          <label>Batch <select name="batch"><option value="">all</option>{% for b in batches %}<option{% if b == filter.batch %} selected{% endif %}>{{ b }}</option>{% endfor %}</select></label>
          <label>Metric <input name="metric" value="{{ filter.metric }}" placeholder="exact name"></label>
          <label>Kind <select name="kind"><option value="">all</option>{% for k in kinds %}<option{% if k == filter.kind %} selected{% endif %}>{{ k }}</option>{% endfor %}</select></label>
          <label>Severity <select name="severity"><option value="">all</option>{% for v in severities %}<option{% if v == filter.severity %} selected{% endif %}>{{ v }}</option>{% endfor %}</select></label>
          <label>Verdict <select name="verdict"><option value="">all</option>{% for v in verdicts %}<option{% if v == filter.verdict %} selected{% endif %}>{{ v }}</option>{% endfor %}</select></label>
          <label>Span <input name="span" value="{{ span }}" size="5"></label>
          <button type="submit">Filter</button>{% if filter.filtered %} <a href="/anomalies?span={{ span }}">clear</a>{% endif %}
        </form>
        <p class="muted alert-total">{{ total }} alerts{% if filter.filtered %} match{% endif %}.</p>
        {% if precision %}
        <table class="precision"><thead><tr><th>Batch</th><th>👍</th><th>👎</th><th>Precision</th></tr></thead><tbody>
        {% for p in precision %}<tr><td>{{ p.batch }}</td><td>{{ p.up }}</td><td>{{ p.down }}</td><td>{{ p.precision }}</td></tr>{% endfor %}
        </tbody></table>
        {% endif %}
        {% if alerts %}
        <table class="alerts">
        <thead><tr><th>Time (UTC)</th><th>Batch</th><th>Metric</th><th>Kind</th><th>Severity</th><th>Score</th><th>Recent values</th><th>Sent</th><th>Feedback</th><th>Silence</th></tr></thead>
        <tbody>
        {% for a in alerts %}
        <tr class="alert-row {{ a.severity }}" data-batch="{{ a.batch }}" data-metric="{{ a.metric }}" data-timestamp="{{ a.timestamp }}" data-feedback="{{ a.feedback }}">
          <td><a href="/alert?batch={{ a.batch_path }}&amp;metric={{ a.metric_path }}&amp;at={{ a.timestamp_path }}&amp;kind={{ a.kind }}" title="this alert on its own page">{{ a.timestamp }}</a></td><td>{{ a.batch }}</td><td><a href="/batches/{{ a.batch_path }}?q={{ a.metric_query }}">{{ a.metric }}</a></td>
          <td>{{ a.kind }}</td><td>{{ a.severity }}</td><td>{{ a.score }}</td>
          <td class="spark">{{ a.sparkline }}</td>
          <td class="deliveries">{% for d in a.deliveries %}<span class="delivery delivery-{{ d.status }}" title="{{ d.detail }}">{{ d.method }}: {{ d.status }}</span>{% empty %}<span class="muted" title="no notification was queued: snoozed, held by alert_for_n, or no alert_methods">–</span>{% endfor %}</td>
          <td>
            {% include "verdict.html" %}
          </td>
          <td>
            {% if a.muted_until %}<span class="muted-note" title="{{ a.muted_reason }}">muted {{ a.muted_until }}</span>{% else %}
            <form method="post" action="/batches/{{ a.batch_path }}/mute" class="inline">
              <input type="hidden" name="metric" value="{{ a.metric }}"><input type="hidden" name="return" value="/anomalies?{{ query }}">
              <select name="duration" aria-label="snooze for" title="how long to hold this metric's notifications">{% for d in snooze_choices %}<option value="{{ d }}"{% if d == "24h" %} selected{% endif %}>{{ d }}</option>{% endfor %}</select>
              <button type="submit" title="no notifications for this metric for the chosen time">Snooze</button>
              <button type="submit" name="for" value="forever" title="no notifications for this metric until unmuted">Mute</button>
            </form>{% endif %}
          </td>
        </tr>
        {% endfor %}
        </tbody></table>
        <nav class="pager">
          {% if previous %}<a rel="prev" href="{{ previous }}">← Newer</a>{% endif %}
          <span>Page {{ page }} of {{ pages }}</span>
          {% if next %}<a rel="next" href="{{ next }}">Older →</a>{% endif %}
        </nav>
        {% else %}
        <section class="empty"><p>No alerts in the last {{ span }}. Good news, or the alert job is stopped: see each batch's settings.</p></section>
        {% endif %}
        {% if mutes %}
        <h2>Muted</h2>
        <table><thead><tr><th>Batch</th><th>Metric</th><th>Until (UTC)</th><th>Reason</th><th></th></tr></thead><tbody>
        {% for m in mutes %}<tr><td>{{ m.batch }}</td><td>{{ m.metric }}</td><td>{{ m.until }}</td><td>{{ m.reason }}</td>
        <td><form method="post" action="/batches/{{ m.batch_path }}/unmute" class="inline"><input type="hidden" name="metric" value="{{ m.metric_value }}"><button type="submit">Unmute</button></form></td></tr>{% endfor %}
        </tbody></table>
        {% endif %}
        {% endblock %}
        """

    static let alert = """
        {% extends "base.html" %}
        {% block content %}
        <p class="muted"><a href="/anomalies">Anomalies</a> › <a href="/batches/{{ batch_path }}">{{ batch }}</a></p>
        <h1>{{ metric }} <span class="muted">at {{ timestamp }} UTC</span></h1>
        <section class="alert-detail">
          <dl>
            <dt>Batch</dt><dd><a href="/batches/{{ batch_path }}">{{ batch }}</a></dd>
            <dt>Metric</dt><dd><a href="/batches/{{ batch_path }}?q={{ metric_query }}">{{ metric }}</a></dd>
            <dt>Kind</dt><dd>{{ kind }}</dd><dt>Severity</dt><dd>{{ severity }}</dd>
            <dt>Score</dt><dd>{{ score }}</dd><dt>Alert threshold</dt><dd>{{ threshold }}</dd>
            {% for m in metadata %}<dt>{{ m.key }}</dt><dd>{{ m.value }}</dd>{% endfor %}
          </dl>
          {% include "verdict.html" %}
        </section>
        <div class="chart">{{ chart }}</div>
        {% if explanation %}<h2>Explanation</h2><p class="explanation">{{ explanation }}</p>{% endif %}
        <h2>Deliveries</h2>
        {% if deliveries %}
        <table class="deliveries-detail"><thead><tr><th>Channel</th><th>Status</th><th>Attempts</th><th>Last error</th><th>Held by</th></tr></thead><tbody>
        {% for d in deliveries %}<tr><td>{{ d.method }}</td><td><span class="delivery delivery-{{ d.status }}">{{ d.status }}</span></td><td>{{ d.attempts }}</td><td>{{ d.error }}</td><td>{{ d.muted_by }}</td></tr>{% endfor %}
        </tbody></table>
        {% else %}
        <p class="muted">No notification was queued for it: snoozed, held by alert_for_n, or the batch has no alert_methods.</p>
        {% endif %}
        {% endblock %}
        """

    /// The 👍/👎 form of one alert `a` (batch, metric, timestamp, feedback); after the post the
    /// list comes back filtered by `query`.
    static let verdict = """
        <form method="post" action="/anomalies/feedback" class="inline">
          <input type="hidden" name="batch" value="{{ a.batch }}"><input type="hidden" name="metric" value="{{ a.metric }}">
          <input type="hidden" name="timestamp" value="{{ a.timestamp }}"><input type="hidden" name="query" value="{{ query }}">
          <button type="submit" name="verdict" value="up" class="thumb{% if a.feedback == "up" %} chosen{% endif %}" aria-pressed="{% if a.feedback == "up" %}true{% else %}false{% endif %}" title="a real problem">👍</button>
          <button type="submit" name="verdict" value="down" class="thumb{% if a.feedback == "down" %} chosen{% endif %}" aria-pressed="{% if a.feedback == "down" %}true{% else %}false{% endif %}" title="a false alarm">👎</button>
        </form>
        """

    static let settings = """
        {% extends "base.html" %}
        {% block content %}
        <h1>Settings · {{ batch }}</h1>
        <p class="muted">Defined in <code>{{ file }}</code>. Changes made here are stored as overrides, checked like the YAML, and apply from the next run.</p>
        <h2>Schedules</h2>
        <table class="schedules"><thead><tr><th>Job</th><th>Cron</th><th>Runs after</th><th>Status</th><th>Changed</th><th></th></tr></thead><tbody>
        {% for s in schedules %}
        <tr data-job="{{ s.job }}"><td>{{ s.job }}</td><td><code>{{ s.cron }}</code></td><td>{{ s.after }}</td><td class="status">{{ s.status }}</td><td>{{ s.changed }}</td>
        <td>{% if s.switchable %}<form method="post" action="/settings/{{ path }}/schedules" class="inline">
          <input type="hidden" name="job" value="{{ s.job }}"><input type="hidden" name="running" value="{{ s.toggle_value }}">
          <button type="submit">{{ s.toggle_label }}</button></form>{% endif %}</td></tr>
        {% endfor %}
        </tbody></table>
        <h2>Thresholds and alerting</h2>
        {% if refused %}<section class="errors" role="alert"><h2>Nothing was saved</h2><p>Fix the fields marked below and save again; what you typed is kept.</p>
        {% if problems %}<ul>{% for p in problems %}<li>{{ p }}</li>{% endfor %}</ul>{% endif %}</section>{% endif %}
        <form method="post" action="/settings/{{ path }}" class="settings">
        <table><thead><tr><th>Key</th><th>Value in force</th><th>New value</th></tr></thead><tbody>
        {% for k in keys %}<tr><td><label for="setting-{{ k.key }}"><code>{{ k.key }}</code></label></td><td>{{ k.value }}{% if k.overridden %} <span class="tag">override</span>{% endif %}</td>
        <td><input type="text" id="setting-{{ k.key }}" name="{{ k.key }}" value="{{ k.typed }}" placeholder="{{ k.value }}"{% if k.error %} aria-invalid="true" aria-describedby="setting-{{ k.key }}-error"{% endif %}>
        {% if k.error %}<span class="field-error" id="setting-{{ k.key }}-error">{{ k.error }}</span>{% endif %}</td></tr>{% endfor %}
        </tbody></table>
        <p><button type="submit">Save</button> <span class="muted">Leave a field empty to keep its value.</span></p>
        </form>
        {% if overrides %}
        <h2>Overrides in force</h2>
        <table><thead><tr><th>Key</th><th>Value</th><th>By</th><th>When (UTC)</th><th></th></tr></thead><tbody>
        {% for o in overrides %}<tr><td><code>{{ o.key }}</code></td><td>{{ o.value }}</td><td>{{ o.by }}</td><td>{{ o.at }}</td>
        <td><form method="post" action="/settings/{{ path }}/reset" class="inline"><input type="hidden" name="key" value="{{ o.key }}"><button type="submit">Reset</button></form></td></tr>{% endfor %}
        </tbody></table>
        {% endif %}
        {% if history %}
        <h2>History</h2>
        <table><thead><tr><th>When (UTC)</th><th>Key</th><th>Value</th><th>By</th></tr></thead><tbody>
        {% for h in history %}<tr><td>{{ h.at }}</td><td><code>{{ h.key }}</code></td><td>{{ h.value }}</td><td>{{ h.by }}</td></tr>{% endfor %}
        </tbody></table>
        {% endif %}
        {% endblock %}
        """

    static let runs = """
        {% extends "base.html" %}
        {% block content %}
        <h1>Runs{% if batch %} · {{ batch }}{% endif %}</h1>
        <form class="filters" method="get" action="/runs"><label>Batch <select name="batch"><option value="">all</option>
        {% for b in batches %}<option{% if b == batch %} selected{% endif %}>{{ b }}</option>{% endfor %}</select></label><button type="submit">Show</button></form>
        <h2>Last {{ days }} days</h2>
        <table class="daily"><thead><tr><th>Day (UTC)</th><th>Runs</th><th>Failed</th><th>Alerts</th><th>👍</th><th>👎</th><th>Precision</th></tr></thead><tbody>
        {% for d in daily %}<tr><td>{{ d.day }}</td><td>{{ d.runs }}</td><td>{{ d.failed }}</td><td>{{ d.alerts }}</td><td>{{ d.up }}</td><td>{{ d.down }}</td><td>{{ d.precision }}</td></tr>{% endfor %}
        </tbody></table>
        <h2>Latest runs</h2>
        {% if runs %}
        <table class="runs"><thead><tr><th>Started (UTC)</th><th>Batch</th><th>Job</th><th>Status</th><th>Duration</th><th>Rows written</th><th>Error</th></tr></thead><tbody>
        {% for r in runs %}<tr class="{{ r.status }}"><td>{{ r.started }}</td><td>{{ r.batch }}</td><td>{{ r.job }}</td><td>{{ r.status }}</td><td>{{ r.duration }}</td><td>{{ r.rows }}</td><td>{{ r.error }}</td></tr>{% endfor %}
        </tbody></table>
        {% else %}
        <section class="empty"><p>No runs yet. Start a schedule on a batch's settings page, or use “Run now” on its page.</p></section>
        {% endif %}
        {% endblock %}
        """

    static let login = """
        {% extends "base.html" %}
        {% block content %}
        <h1>Log in</h1>
        <p>Changes (feedback, settings, runs, mutes) need the API token the server was started with (<code>ENGINE_API_TOKEN</code>).</p>
        {% if failed %}<p class="flash">That token is not the right one.</p>{% endif %}
        <form method="post" action="/login" class="login">
          <input type="hidden" name="next" value="{{ next }}">
          <label>Your name <input type="text" name="name" autocomplete="username" maxlength="64" placeholder="shown in the settings history"></label>
          <label>Token <input type="password" name="token" autocomplete="current-password" required></label>
          <button type="submit">Log in</button>
        </form>
        {% endblock %}
        """

    static let error = """
        {% extends "base.html" %}
        {% block content %}
        <h1>{{ status }} {{ reason }}</h1>
        <p class="error-message">{{ message }}</p>
        <p><a href="/">Back to the batches</a></p>
        {% endblock %}
        """
}
