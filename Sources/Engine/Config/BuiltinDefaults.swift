/// The built-in defaults: every key the engine knows, with its default value. It is the same text
/// as `metrics/defaults/defaults.yaml` (a test keeps the two identical), so a metrics folder that
/// brings its own or an older defaults file still gets every key.
enum BuiltinDefaults {
    static let path = "defaults/defaults.yaml"

    /// The parsed defaults, the fallback of every typed key (`BatchConfig[key]`). The text is the
    /// engine's own and a test parses it, so failing here is a build defect, not an input error.
    static let values: [String: ConfigValue] = {
        do {
            return try ConfigDocument(path: "(built-in defaults)", text: yaml).values
        } catch {
            preconditionFailure("the built-in defaults do not parse: \(error)")
        }
    }()

    static let yaml = #"""
# Default values for every metric batch. A batch's own YAML is merged over this file (nested maps
# key by key), then ANOMSTACK__<BATCH>__<KEY> environment variables, then `--set key=value`.
# Key names and values follow Anomstack's metrics/defaults/defaults.yaml; where ours differ, the
# page docs/anomstack-differences.md says so.

############################################
# storage
############################################
db: "sqlite" # where ingest_sql runs: the engine's own SQLite database by default (Anomstack: duckdb).
table_key: "metrics" # table that holds the long-format metric rows.
model_path: "local://./models" # where trained models are stored.
sqlite_path: null # a SQLite file to run ingest_sql against instead of the engine's own database.
duckdb_path: null # db: duckdb / motherduck: the database file (or md:name); else $ANOMSTACK_DUCKDB_PATH.

############################################
# models
############################################
model_configs: # one detector per entry; every one is trained and scored for each metric.
  # Ours: NOVELTY, which scores a point by how far it beats the largest spike, shift or seasonal
  # residual the metric showed in training (docs/detectors.md); NAB 65 against 40
  # for Anomstack's PCA + KNN, which metrics/profiles/anomstack.yaml keeps.
  - model_name: "NOVELTY"
    model_tag: "novelty"
    model_params:
      point_window: 30 # a spike: the point against the median and spread of the n before it.
      shift_window: 100 # a shift: the mean of the last shift_n points against the n before them.
      shift_n: 3
      slow_shift_window: 400 # a slow shift or a change in how often spikes come.
      slow_shift_n: 40
      season_shift_n: 6 # the run for the daily and weekly channels (the difference from a day or a week earlier).
      season_min_autocorrelation: 0.7 # a season gets its channels where training shows that cycle this strongly (rows a day or a week apart in time correlate this much).
      quiet_n: 75 # after a record-breaking point, hold scores under the margin for n points.
      record_margin: 1.1 # how far beyond the record a residual must go to score 0.8.
      record_floor: 5 # the least a record can be, in robust z-scores: a short or very regular history still needs a 5.5-sigma point to alert.
      resolution: 0.01 # the least spread a residual is measured in, as a fraction of the range the metric spans in training: smaller wobbles of a flat or stepped metric do not count.
      quantum_steps: 1 # and at least this many of the smallest step between the metric's values (a count's 1; none for an on/off metric): a count moving by one is not news.
      learn_days: 2 # a channel's record must cover two days of scores (and its window) before it votes as usual: a young metric's first days of daily swings do not alert. Chosen by cross-validation and a clean-series check (docs/detectors.md).
      learn_floor: 20 # in the second half of that (after the first day), it votes against a record of at least this many robust z-scores: only what no daily swing could be (a tenfold spike) alerts.
model_combination_method: "mean" # how detector scores combine: mean, min or max.
metric_tags: {} # metric name -> map of tag key -> value, carried into alerts.
template_vars: {} # extra variables for ingest templates; as in Anomstack, any other key of a batch file is one too (a key one typo from a setting is an error).

############################################
# batch and dashboard
############################################
disable_batch: False # skip this batch entirely.
disable_dashboard: False
dashboard_stale_metric_max_days_ago: 7 # a metric with no point for this many days leaves its batch page (shown on request, marked stale); 0: never.

############################################
# ingest
############################################
ingest_metric_rounding: 4 # decimals kept on ingested values.
ingest_fn_timeout_seconds: 600 # ours: an ingest_fn still running after this is stopped and the ingest run fails.
ingest_cron_schedule: "*/3 * * * *"
ingest_default_schedule_status: "STOPPED"
disable_ingest: False

############################################
# train
############################################
train_max_n: 2500 # most recent points used to train.
train_min_n: 14 # fewest points a metric needs before it is trained.
train_metric_timestamp_max_days_ago: 90 # ignore points older than this when training.
train_exclude_metrics: []
train_cron_schedule: "*/5 * * * *"
train_default_schedule_status: "STOPPED"
disable_train: False

############################################
# score
############################################
score_max_n: 25 # score the unscored points among the most recent n.
score_metric_rounding: 3 # decimals kept on scores; -1 keeps every digit (Anomstack: 4).
score_metric_timestamp_max_days_ago: 14
score_exclude_metrics: []
score_cron_schedule: "*/4 * * * *"
score_default_schedule_status: "STOPPED"
disable_score: False

############################################
# preprocessing (applied the same way in train and score)
############################################
preprocess_params:
  diff_n: 0 # lag-n difference; 0 uses raw values (Anomstack: 1; NOVELTY reads raw values).
  smooth_n: 0 # trailing mean over n points; 0 turns it off (Anomstack: 3).
  lags_n: 0 # lagged copies added as features (Anomstack: 5; PCA and KNN need them).
  freq: null # resample to this frequency first (e.g. "1h", "15min"); null keeps the raw points.
  freq_agg: "mean" # aggregate when resampling: mean, sum, min, max, first, last, median, count.
  season: null # subtract the value one season earlier, matched by time (e.g. "1D", "1W"), before differencing; null = off.
missing_data: "skip" # what a missing point means before train and score: skip, zero (counters), ffill (the last value), interpolate.
preprocess_fn: null # a batch file's own Python preprocess(df, **preprocess_params) replaces the built-in preprocessing (see docs/configuration.md).

############################################
# alerts
############################################
alert_methods: "email,slack"
alert_threshold: 0.8 # smoothed score at or above which a point alerts.
alert_recent_n: 24 # only the n most recent scored points may alert, each once (Anomstack: 1; NOVELTY scores an incident high at its first point only, so the job looks back over every point a run may have scored since the last).
alert_smooth_n: 1 # smoothed score = mean of the last n scores up to the point (Anomstack: 3; NOVELTY scores each point on its own).
alert_snooze_n: 3 # after an alert, the metric stays quiet for n points.
alert_for_n: 1 # pending: a point alerts only once the smoothed score has reached the threshold on n scored points in a row, it the last (Prometheus' for:, Grafana's pending period); 1 alerts at once. For detectors whose scores stay high through an incident (not NOVELTY, which holds them under the threshold after its first point).
alert_for_m: 0 # with alert_for_n: alert when at least m of those n points reach it (M of N); 0 means all n.
alert_evaluation_delay: null # ours (Datadog's evaluation delay): judge only points at least this old, a span (10m, 2h) or seconds, so a point that lands late is judged when it arrives instead of being passed over by the run that came before it; null = judge up to now.
alert_max_n: 250 # scored points read for alerting and plotted in an alert.
alert_metric_timestamp_max_days_ago: 45
alert_always: False # force an alert on the latest point (to test delivery).
alert_exclude_metrics: []
alert_critical_threshold: 0.95 # smoothed score at or above which an alert is critical rather than a warning.
alert_digest_min_n: 0 # ours: when a run raises at least n (>= 2) alerts, send one digest, most urgent first; 0 = off.
no_data_after: stale # alert once when a metric sends no point for this long: a span (30m, 6h, 2d), n expected intervals (3, or "3n", the interval read from its recent points), stale (dashboard_stale_metric_max_days_ago days, as Anomstack calls a metric stale) or null (off).
stuck_factor: 0.0 # ours: announce a metric whose latest run of identical values is this many times its longest earlier run (and at least 12 points) among its last alert_max_n; 0 = off.
alert_recovery_n: 0 # send a recovery notice once an alerted metric stays under the threshold for n scored points; 0 = off.
alert_mute_until: null # mute the whole batch until this UTC time ("YYYY-MM-DD HH:MM:SS"): alerts are recorded, not sent.
alert_mute_metrics: {} # metric name -> UTC time until which its notifications are muted.
maintenance_windows: [] # [{cron: "0 2 * * 0", duration: 2h}, {start: "2026-02-01 10:00:00", end: "2026-02-01 12:00:00", metrics: [orders]}, {..., match: {team: x}}]: notifications inside are recorded as muted, not sent.
alert_routes: [] # [{match: {tag: value}, methods: "slack", email_to: "a@x.org", slack_channel: "#team", webhook_url: "..."}]; first match wins.
alert_template_title: null # Stencil template for the title/subject; null = Anomstack's titles.
alert_template_text: null # Stencil template for the plain-text body (Slack, webhook, email text part).
alert_template_html: null # Stencil template for the email's HTML body.
alert_delivery_max_attempts: 8 # delivery attempts per channel before a notification is given up.
dashboard_url: null # base URL of the dashboard, linked from notifications.
alert_cron_schedule: "*/5 * * * *"
alert_default_schedule_status: "STOPPED"
disable_alerts: False

############################################
# change detection
############################################
change_threshold: 3.5 # MAD modified z-score above which a point is a change.
change_detect_last_n: 1
change_snooze_n: 3
change_max_n: 250
change_metric_timestamp_max_days_ago: 30
change_smooth_n: 1 # judge the trailing mean of n values instead of each value (1 = off): a noisy metric's changes, not its noise.
change_shift_window_n: 0 # also test the median of the last n points against the earlier ones (catches small persistent shifts); 0 = off.
change_shift_threshold: 3.5 # standard errors the recent median must move to count as a level shift.
change_trend_window_n: 0 # ours: the trend test: the Theil-Sen slope of the last n values against the reference's slope (a slow leak, a creeping latency); 0 = off, else at least 6.
change_trend_threshold: 4.0 # how many standard errors the recent slope must lie from the reference's slope.
change_beyond_range: True # ours (Anomstack: no such test, False): a point is a change only beyond every reference value too, so a spike or swing the metric already showed is not one.
change_include_metrics: []
change_exclude_metrics: []
change_alert_methods: "email,slack"
change_cron_schedule: "*/5 * * * *"
change_default_schedule_status: "STOPPED"
disable_change: False

############################################
# threshold alerts
############################################
tholdalert_methods: "email,slack"
tholdalert_recent_n: 1
tholdalert_snooze_n: 3
tholdalert_thresholds: {} # metric name -> {upper: x, lower: y}
tholdalert_exclude_metrics: []
disable_tholdalert: True

############################################
# LLM alerts
############################################
llmalert_recent_n: 5 # an anomaly the model confirms among the last n points alerts.
llmalert_snooze_n: 3 # ours: no LLM alert within n points of the metric's previous one.
llmalert_detect_prompt: "" # ours: replaces the detection instructions (the JSON answer contract is kept).
llmalert_verify_prompt: "" # ours: replaces the verification instructions.
llm_max_tokens_per_run: 50000 # ours: tokens one job run may spend on the language model.
llmalert_model: "gpt-4o-mini" # the chat model; the endpoint comes from OPENAI_BASE_URL / ANOMSTACK_LLM_PLATFORM.
llmalert_include_plot: False # send the metric's chart (PNG) with the LLM alert prompt (Anomstack: True; needs a model that reads images).
alert_explain: False # ours: alerts carry a short explanation from the language model (history, score, past feedback).
llmalert_smooth_n: 0
llmalert_metric_rounding: -1
llmalert_prompt_max_n: 1000
llmalert_metric_timestamp_max_days_ago: 30
llmalert_methods: "email,slack"
llmalert_exclude_metrics: []
llmalert_cron_schedule: "*/5 * * * *"
llmalert_default_schedule_status: "STOPPED"
disable_llmalert: True

############################################
# plots
############################################
plot_max_n: 250
plot_metric_timestamp_max_days_ago: 25
plot_cron_schedule: "*/5 * * * *"
plot_default_schedule_status: "STOPPED"
disable_plot: False

############################################
# retention and summary
############################################
delete_after_n_days: 365
delete_cron_schedule: "0 6 * * *"
delete_default_schedule_status: "STOPPED"
disable_delete: False
summary_cron_schedule: "0 9 * * *"
summary_default_schedule_status: "STOPPED"
disable_summary: True
summary_metric_timestamp_max_days_ago: 1 # days the summary looks back over.
summary_llm: False # ours: the daily summary opens with a paragraph written by the language model.

############################################
# job failures (ours)
############################################
job_failure_alert: False # when a job run fails, notify through job_failure_methods (the error in the message).
job_failure_methods: "email,slack"
"""#
}
