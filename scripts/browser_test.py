#!/usr/bin/env python3
"""The dashboard in a real browser: headless Chromium (Debian's, driven by its chromedriver
through Selenium) against `engine serve` on 127.0.0.1, with the example batches and data the
engine itself backfilled. Takes screenshots of the home, a batch and the anomalies page into
the artifacts folder, checks the DOM, logs in, clicks 👍 on an alert and checks the store.

    scripts/browser_test.py --engine .build/debug/engine --artifacts .build/ci-artifacts/browser

Prints one line per check and "browser: N passed, M failed"; exits 1 on any failure.
"""
import argparse
import datetime
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

TOKEN = "browser-test-token"
results = []


def wait_for_url(driver, part, seconds=15):
    """Waits until the page a click navigated to is the one shown (its address holds `part`):
    elements found before that belong to the page being left."""
    try:
        WebDriverWait(driver, seconds).until(lambda d: part in d.current_url and d.execute_script("return document.readyState") == "complete")
    except Exception:
        pass


def check(name, condition, detail=""):
    results.append(bool(condition))
    print(("ok   " if condition else "FAIL ") + name + ("" if condition else f" — {detail}"), flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--engine", required=True)
    parser.add_argument("--artifacts", required=True)
    parser.add_argument("--metrics", default="metrics")
    args = parser.parse_args()
    engine = os.path.abspath(args.engine)
    os.makedirs(args.artifacts, exist_ok=True)
    work = tempfile.mkdtemp(prefix="engine-browser-")
    db = os.path.join(work, "engine.db")
    env = dict(os.environ, ENGINE_API_TOKEN=TOKEN, ENGINE_PLOTS=os.path.join(work, "plots"))
    # Twelve hours of the example batches, up to the current hour, so the pages show recent data.
    end = datetime.datetime.now(datetime.timezone.utc).replace(minute=0, second=0, microsecond=0)
    start = end - datetime.timedelta(hours=12)
    iso = "%Y-%m-%dT%H:%M:%SZ"
    backfill = subprocess.run([engine, "run", "all", "--metrics", args.metrics, "--db", db, "--as-of", start.strftime(iso),
                               "--until", end.strftime(iso), "--every", "1h", "--set", "alert_threshold=0.6"],
                              env=env, capture_output=True, text=True, timeout=600)
    check("backfill with engine run all --until --every", backfill.returncode == 0, backfill.stderr[-2000:])
    # engine mute from the command line: a mute and a maintenance window, listed, one lifted.
    def mute(*arguments):
        return subprocess.run([engine, "mute", "--metrics", args.metrics, "--db", db, *arguments],
                              env=env, capture_output=True, text=True, timeout=60)
    planned = mute("--batch", "python_synthetic", "--cron", "0 3 * * 6", "--duration", "1h", "--match", "team=data")
    muted = mute("--batch", "python_synthetic", "--metric", "synthetic_anomalous", "--for", "1h", "--reason", "cli check")
    listed = mute("--list")
    check("engine mute plans a window and sets a mute", planned.returncode == 0 and muted.returncode == 0
          and "cron '0 3 * * 6' for 1h, tags team=data" in listed.stdout and "cli check" in listed.stdout,
          planned.stderr[-500:] + muted.stderr[-500:] + listed.stdout[-500:])
    window_id = planned.stdout.split()[2] if planned.returncode == 0 else "?"
    lifted = [mute("--batch", "python_synthetic", "--clear", "--window", window_id),
              mute("--batch", "python_synthetic", "--metric", "synthetic_anomalous", "--clear")]
    refused = mute("--batch", "python_synthetic", "--from", "2020-01-01T00:00:00Z", "--until", "2020-01-02T00:00:00Z")
    check("engine mute lifts them, and refuses a window already over",
          all(r.returncode == 0 for r in lifted) and "no mutes or maintenance windows" in mute("--list").stdout
          and refused.returncode != 0 and "ended before now" in refused.stderr, refused.stderr[-500:])
    port = free_port()
    log = open(os.path.join(args.artifacts, "serve.log"), "w")
    server = subprocess.Popen([engine, "serve", "--metrics", args.metrics, "--db", db, "--port", str(port)],
                              env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    driver = None
    try:
        for _ in range(300):
            try:
                with urllib.request.urlopen(base + "/readyz", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.1)
        check("the server answers /readyz", True)
        options = Options()
        options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
        for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,1600", "--disable-dev-shm-usage"]:
            options.add_argument(flag)
        driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options)
        driver.set_page_load_timeout(60)

        driver.get(base + "/")
        driver.save_screenshot(os.path.join(args.artifacts, "home.png"))
        cards = driver.find_elements(By.CSS_SELECTOR, ".card[data-batch]")
        check("home: one card per example batch", len(cards) == 3, f"{len(cards)} cards")
        check("home: cards are sorted by alerts", [int(c.find_element(By.CSS_SELECTOR, "dd.alerts").text) for c in cards]
              == sorted([int(c.find_element(By.CSS_SELECTOR, "dd.alerts").text) for c in cards], reverse=True))

        driver.get(base + "/batches/python_synthetic?window=24h")
        driver.save_screenshot(os.path.join(args.artifacts, "batch.png"))
        charts = driver.find_elements(By.CSS_SELECTOR, "section.metric .chart svg")
        check("batch page: a chart per metric", len(charts) == 2, f"{len(charts)} charts")
        polylines = driver.find_elements(By.CSS_SELECTOR, "section.metric .chart svg polyline")
        check("batch page: the charts have lines", len(polylines) >= 2, f"{len(polylines)} polylines")
        # Hover: a crosshair and a readout of the point under the pointer, gone when it leaves.
        ActionChains(driver).move_to_element(charts[0]).perform()
        tips = driver.find_elements(By.CSS_SELECTOR, "section.metric .chart .tip")
        tip = tips[0].text if tips else ""
        check("hover: the readout says the time, value and score", " UTC · value " in tip and " · score " in tip, tip)
        check("hover: a crosshair is drawn", len(driver.find_elements(By.CSS_SELECTOR, "section.metric .chart svg line.crosshair")) == 1)
        driver.save_screenshot(os.path.join(args.artifacts, "batch-hover.png"))
        ActionChains(driver).move_to_element(driver.find_element(By.TAG_NAME, "h1")).perform()
        check("hover: the readout goes when the pointer leaves", not driver.find_elements(By.CSS_SELECTOR, ".chart .tip"))
        legend = driver.find_elements(By.CSS_SELECTOR, "section.metric .legend li")
        check("batch page: each chart has a legend", len(legend) >= 4, f"{len(legend)} items")
        # Zoom: the buttons show the same page over half and twice the window.
        driver.find_element(By.LINK_TEXT, "zoom in").click()
        wait_for_url(driver, "window=12h")
        check("zoom in: half the window", "window=12h" in driver.current_url
              and len(driver.find_elements(By.CSS_SELECTOR, "section.metric .chart svg")) == 2, driver.current_url)
        driver.find_element(By.LINK_TEXT, "zoom out").click()
        wait_for_url(driver, "window=24h")
        driver.find_element(By.LINK_TEXT, "zoom out").click()
        wait_for_url(driver, "window=2d")
        check("zoom out: twice the window", "window=2d" in driver.current_url, driver.current_url)

        driver.get(base + "/anomalies")
        driver.save_screenshot(os.path.join(args.artifacts, "anomalies.png"))
        rows = driver.find_elements(By.CSS_SELECTOR, "tr.alert-row")
        check("anomalies: alerts are listed", len(rows) > 0, "no alert row")
        check("anomalies: each alert has a sparkline", all(r.find_elements(By.CSS_SELECTOR, "td.spark svg") for r in rows))
        # Filters: one batch and one kind, kept in the form and the address; every row matches.
        if rows:
            wanted = rows[0].get_attribute("data-batch")
            form = driver.find_element(By.CSS_SELECTOR, "form.filters")
            Select(form.find_element(By.NAME, "batch")).select_by_visible_text(wanted)
            Select(form.find_element(By.NAME, "kind")).select_by_visible_text("alert")
            form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
            wait_for_url(driver, "kind=alert")
            filtered = driver.find_elements(By.CSS_SELECTOR, "tr.alert-row")
            check("filters: only the chosen batch is listed", filtered and all(r.get_attribute("data-batch") == wanted for r in filtered)
                  and "batch=" + wanted in driver.current_url and "kind=alert" in driver.current_url,
                  f"{[r.get_attribute('data-batch') for r in filtered]} {driver.current_url}")
            check("filters: the form keeps the choice",
                  Select(driver.find_element(By.NAME, "batch")).first_selected_option.text == wanted)
            # The alert's own page: its chart, its scores and its deliveries.
            filtered[0].find_element(By.CSS_SELECTOR, "a[href^='/alert?']").click()
            wait_for_url(driver, "/alert?")
            check("alert page: a chart centred on the alert", len(driver.find_elements(By.CSS_SELECTOR, ".chart svg polyline")) >= 1
                  and "/alert?" in driver.current_url, driver.current_url)
            detail = driver.find_element(By.CSS_SELECTOR, "section.alert-detail").text
            check("alert page: the score and the threshold", "Score" in detail and "Alert threshold" in detail, detail[:200])
            check("alert page: its deliveries", len(driver.find_elements(By.XPATH, "//h2[text()='Deliveries']")) == 1)
            driver.save_screenshot(os.path.join(args.artifacts, "alert.png"))

        driver.get(base + "/login?next=%2Fanomalies")
        driver.find_element(By.NAME, "name").send_keys("browser")
        driver.find_element(By.NAME, "token").send_keys(TOKEN)
        driver.find_element(By.CSS_SELECTOR, "form.login button[type=submit]").click()
        try:
            WebDriverWait(driver, 15).until(expected_conditions.url_matches(r"/anomalies$"))
        except Exception:
            pass
        check("login: back on the anomalies page", driver.current_url.endswith("/anomalies"), driver.current_url)
        if rows:
            row = driver.find_elements(By.CSS_SELECTOR, "tr.alert-row")[0]
            batch, metric, stamp = row.get_attribute("data-batch"), row.get_attribute("data-metric"), row.get_attribute("data-timestamp")
            row.find_element(By.CSS_SELECTOR, "button.thumb[value=up]").click()
            selector = f'tr.alert-row[data-feedback="up"]'
            try:
                WebDriverWait(driver, 15).until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, selector)))
            except Exception:
                pass
            after = driver.find_elements(By.CSS_SELECTOR, "tr.alert-row")[0]
            check("feedback: the row shows 👍", after.get_attribute("data-feedback") == "up", after.get_attribute("data-feedback"))
            driver.save_screenshot(os.path.join(args.artifacts, "anomalies-after-feedback.png"))
            stored = sqlite3.connect(db).execute(
                "select count(*) from metrics where metric_type='thumbsup' and metric_batch=? and metric_name=? and metric_timestamp=?",
                (batch, metric, stamp)).fetchone()[0]
            check("feedback: a thumbsup row is in the store", stored == 1, f"{stored} rows")
            with urllib.request.urlopen(base + "/api/v1/alerts?batch=" + batch) as r:
                alerts = json.load(r)["alerts"]
            check("feedback: the API shows it", any(a["metric"] == metric and a["feedback"] == "up" for a in alerts))

        # A maintenance window planned from the batch page's form, listed, then removed with its button.
        driver.get(base + "/batches/python_synthetic#maintenance")
        form = driver.find_element(By.CSS_SELECTOR, "form.maintenance-form")
        form.find_element(By.NAME, "cron").send_keys("0 2 * * 0")
        form.find_element(By.NAME, "duration").send_keys("2h")
        form.find_element(By.NAME, "reason").send_keys("weekly backup")
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        try:
            WebDriverWait(driver, 15).until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "tr[data-window]")))
        except Exception:
            pass
        rows = [r for r in driver.find_elements(By.CSS_SELECTOR, "section.maintenance tr[data-window]") if r.get_attribute("data-window")]
        check("maintenance: the planned window is listed", len(rows) == 1 and "weekly backup" in rows[0].text,
              " | ".join(r.text for r in rows))
        driver.save_screenshot(os.path.join(args.artifacts, "batch-maintenance.png"))
        stored = sqlite3.connect(db).execute("select count(*) from maintenance_windows where batch='python_synthetic'").fetchone()[0]
        check("maintenance: the window is in the store", stored == 1, f"{stored} rows")
        if rows:
            rows[0].find_element(By.CSS_SELECTOR, "button[type=submit]").click()
            try:
                WebDriverWait(driver, 15).until(expected_conditions.staleness_of(rows[0]))
            except Exception:
                pass
            stored = sqlite3.connect(db).execute("select count(*) from maintenance_windows where batch='python_synthetic'").fetchone()[0]
            check("maintenance: Remove deletes it", stored == 0, f"{stored} rows")

        # The refresh control: a choice reloads the page, is kept for the next pages, and can be turned off.
        driver.get(base + "/anomalies")
        Select(driver.find_element(By.ID, "refresh")).select_by_value("60")
        time.sleep(1)
        driver.get(base + "/")
        kept = Select(driver.find_element(By.ID, "refresh")).first_selected_option.get_attribute("value")
        check("refresh: the chosen interval is kept across pages", kept == "60", kept)
        # Live: with a 10 s refresh, an alert written while /anomalies is open appears on it without
        # a reload (a marker set on the window survives), and the header says when it was checked.
        Select(driver.find_element(By.ID, "refresh")).select_by_value("10")
        driver.get(base + "/anomalies?batch=sqlite_orders")
        driver.execute_script("window.engineMarker = 'still here'")
        live_time = end.strftime("%Y-%m-%d %H:%M:%S")
        with sqlite3.connect(db) as connection:
            connection.execute(
                "insert into metrics (metric_timestamp, metric_batch, metric_name, metric_type, metric_value, metadata) "
                "values (?, 'sqlite_orders', 'orders_live_check', 'alert', 1, '{\"severity\":\"warning\"}')", (live_time,))
        try:
            WebDriverWait(driver, 30).until(lambda d: "orders_live_check" in d.find_element(By.TAG_NAME, "main").text)
            arrived = True
        except Exception:
            arrived = False
        check("live: a new alert appears on an open /anomalies", arrived)
        check("live: without a reload", driver.execute_script("return window.engineMarker") == "still here")
        stamp = driver.find_element(By.ID, "updated").text
        check("live: the header says when the page was checked", stamp.startswith("updated ") and stamp.endswith(" s ago"), stamp)
        Select(driver.find_element(By.ID, "refresh")).select_by_value("0")

        # The table layout: a row per metric with a sparkline, sorted by the column asked for.
        driver.get(base + "/batches/python_synthetic?view=table&sort=name")
        names = [row.get_attribute("data-metric") for row in driver.find_elements(By.CSS_SELECTOR, "table.metrics-table tbody tr")]
        check("table view: a row per metric, sorted by name", names == sorted(names) and len(names) == 2, names)
        check("table view: a sparkline a row", len(driver.find_elements(By.CSS_SELECTOR, "table.metrics-table td.spark svg")) == 2)

        # Dark mode when the system asks for it.
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "dark"}]})
        driver.get(base + "/")
        background = driver.execute_script("return getComputedStyle(document.body).backgroundColor")
        check("dark mode: the page turns dark", background == "rgb(18, 18, 18)", background)
        driver.save_screenshot(os.path.join(args.artifacts, "home-dark.png"))
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "light"}]})

        # A phone: at 390 px no page scrolls sideways (wide tables scroll inside their own box).
        driver.set_window_size(390, 844)
        for path in ["/", "/batches/python_synthetic", "/batches/python_synthetic?view=table", "/anomalies", "/runs"]:
            driver.get(base + path)
            overflow = driver.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
            check(f"390 px: {path} does not scroll sideways", overflow <= 0, f"{overflow} px too wide")
        driver.save_screenshot(os.path.join(args.artifacts, "runs-390.png"))
    finally:
        if driver:
            driver.quit()
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        shutil.rmtree(work, ignore_errors=True)
    check("the server stopped on SIGTERM", server.returncode == 0, f"exit status {server.returncode}")
    passed = sum(results)
    print(f"browser: {passed} passed, {len(results) - passed} failed (screenshots in {args.artifacts})")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
