import Foundation

/// The pages of `latent-serve`: small hand-written HTML shells that load one script and one style sheet, both
/// served from the binary (nothing is fetched from the internet). The script draws every chart as inline SVG from
/// the JSON endpoints — the same kind of line chart as `LineChart` draws for report.html — in about a hundred lines,
/// which is less to build, audit and serve than any charting library, and needs no inline script, so the pages run
/// under a Content-Security-Policy of `default-src 'self'`.
///
/// ```swift
/// let html = ServePages.run(name: "vae-mnist")   // polls /api/run/vae-mnist/metrics
/// ```
public enum ServePages {
    static func page(_ title: String, body: String, data: [String: String] = [:]) -> String {
        let attributes = data.sorted { $0.key < $1.key }.map { " data-\($0.key)=\"\(esc($0.value))\"" }.joined()
        return """
        <!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
        <title>\(esc(title))</title><link rel="stylesheet" href="/static/style.css"></head>
        <body\(attributes)><header><a href="/">Latent runs</a></header>
        \(body)
        <script src="/static/app.js"></script></body></html>

        """
    }

    /// The list of runs, refreshed every few seconds.
    public static func index() -> String {
        page("Latent runs", body: """
        <h1>Runs</h1>
        <form id="compare-form" action="/compare"><table id="runs"><thead><tr><th></th><th>name</th><th>model</th><th>data</th>
        <th>epochs</th><th>status</th><th>best metric</th></tr></thead><tbody></tbody></table>
        <input type="hidden" name="runs" id="compare-runs"><button type="submit" id="compare-button">compare the ticked runs</button></form>
        <p id="empty" hidden>No runs in this folder yet: start one with <code>latent train vae</code>.</p>
        """, data: ["page": "index"])
    }

    /// One run: its curves (training solid, validation dashed) and pictures, redrawn while it trains.
    public static func run(name: String) -> String {
        page(name, body: """
        <h1 id="title">\(esc(name))</h1><p id="summary"></p><p id="views"><a id="explore" hidden>latent explorer</a> <a id="gibbs" hidden>Gibbs chains</a></p>
        <section id="charts"></section>
        <h2>Pictures</h2><section id="latest"></section>
        <div id="epochs" hidden><h2>Samples by epoch</h2><input type="range" id="epoch-slider" min="0" max="0" value="0">
        <span id="epoch-label"></span><br><img id="epoch-image" class="px" alt="samples of the chosen epoch"></div>
        <h2>Plots</h2><section id="plots"></section>
        <p>The run's <a id="report">report.html</a> is rewritten after every epoch.</p>
        """, data: ["page": "run", "run": name])
    }

    /// The latent explorer: a 2-D PCA map of test codes, coloured by class; clicking or dragging decodes the point.
    public static func explore(name: String) -> String {
        page(name + " — latent explorer", body: """
        <h1><a href="/run/\(esc(name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? name))">\(esc(name))</a>: latent explorer</h1>
        <p id="summary">Loading the model and encoding test images…</p>
        <div class="explorer"><div id="map"></div><figure><img id="decoded" class="px" width="224" height="224" alt="decoded image">
        <figcaption id="where">click or drag on the map</figcaption>
        <label id="class-control" hidden>class <select id="class"></select></label></figure></div>
        <div id="legend"></div>
        """, data: ["page": "explore", "run": name])
    }

    /// An RBM's or DBM's Gibbs chains, run on demand: k steps of n chains from random or test images.
    public static func gibbs(name: String) -> String {
        page(name + " — Gibbs chains", body: """
        <h1><a href="/run/\(esc(name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? name))">\(esc(name))</a>: Gibbs chains</h1>
        <form id="gibbs-form"><label>steps <input id="k" type="number" min="1" max="\(GibbsChain.maxSteps)" value="100"></label>
        <label>chains <input id="n" type="number" min="1" max="\(GibbsChain.maxCount)" value="8"></label>
        <label>frames <input id="frames" type="number" min="1" max="\(GibbsChain.maxFrames)" value="5"></label>
        <label>start <select id="start"><option value="random">random binary images</option><option value="test">test images</option></select></label>
        <label>seed <input id="seed" type="number" min="0" value="0"></label> <button type="submit">run</button></form>
        <p id="summary">Each row is the chains after that many Gibbs steps (visible probabilities); each column is one chain.</p>
        <table id="chain"></table>
        """, data: ["page": "gibbs", "run": name])
    }

    /// Several runs: main curves overlaid and final metrics side by side.
    public static func compare() -> String {
        page("Compare runs", body: """
        <h1>Compare</h1><section id="charts"></section><table id="metrics"></table>
        """, data: ["page": "compare"])
    }

    /// `/static/app.js` and `/static/style.css`.
    public static func asset(_ name: String) -> ServeResponse? {
        switch name {
        case "app.js": return ServeResponse(contentType: "text/javascript; charset=utf-8", body: Data(script.utf8), headers: ["cache-control": "no-cache"])
        case "style.css": return ServeResponse(contentType: "text/css; charset=utf-8", body: Data(style.utf8), headers: ["cache-control": "no-cache"])
        default: return nil
        }
    }

    static func esc(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;").replacingOccurrences(of: "'", with: "&#39;")
    }

    static let style = """
    body{font-family:system-ui,sans-serif;margin:1.5em 2em;max-width:1300px;color:#222}
    header a{color:#555;text-decoration:none;font-size:14px}
    table{border-collapse:collapse;margin:1em 0;font-size:14px}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}
    th{background:#f3f3f3;text-align:left}td.l{text-align:left}
    .training{color:#0a7d20;font-weight:600}.interrupted{color:#b35900}.finished{color:#555}
    figure{display:inline-block;margin:.5em;vertical-align:top}figcaption{font-size:13px;color:#555;text-align:center}
    img.px{image-rendering:pixelated}svg.chart{margin:.3em;background:#fff;border:1px solid #eee}
    svg.chart text{font-size:11px;fill:#444}#epoch-slider{width:420px}
    .explorer{display:flex;gap:1em;align-items:flex-start}#map svg{border:1px solid #ccc;cursor:crosshair;touch-action:none}
    #legend span{display:inline-block;margin-right:1em;font-size:13px}
    """

    static let script = #"""
    "use strict";
    const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"];
    const HIDDEN = new Set(["epoch", "seconds", "images_per_sec", "warnings", "status", "step"]);
    function esc(s) { return String(s).replace(/[&<>"']/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c])); }
    function fmt(v) { if (v === null || v === undefined || typeof v !== "number") return v === undefined || v === null ? "—" : esc(v);
      return Math.abs(v) >= 1000 || Number.isInteger(v) ? v.toFixed(1) : v.toPrecision(4); }
    function tick(v) { const a = Math.abs(v); return a !== 0 && (a >= 1e4 || a < 1e-2) ? v.toExponential(1) : String(+v.toPrecision(3)); }
    // A line chart as SVG text: series = [{name, x: [...], y: [...], dashed}], with axes, ticks and a legend.
    function chart(title, series, yLabel) {
      const W = 420, H = 260, L = 58, R = 10, T = 24, B = 38;
      const pts = series.flatMap(s => s.x.map((x, i) => [x, s.y[i]])).filter(p => typeof p[1] === "number" && isFinite(p[1]));
      if (pts.length === 0) return "";
      let [x0, x1] = [Math.min(...pts.map(p => p[0])), Math.max(...pts.map(p => p[0]))];
      let [y0, y1] = [Math.min(...pts.map(p => p[1])), Math.max(...pts.map(p => p[1]))];
      if (x0 === x1) { x0 -= 1; x1 += 1; } if (y0 === y1) { y0 -= 1; y1 += 1; }
      const pad = (y1 - y0) * 0.05; y0 -= pad; y1 += pad;
      const sx = x => L + (x - x0) / (x1 - x0) * (W - L - R), sy = y => H - B - (y - y0) / (y1 - y0) * (H - T - B);
      let s = `<svg class="chart" width="${W}" height="${H + 16 * series.length}" viewBox="0 0 ${W} ${H + 16 * series.length}" xmlns="http://www.w3.org/2000/svg">`;
      s += `<text x="${W / 2}" y="15" text-anchor="middle" font-weight="600">${esc(title)}</text>`;
      s += `<line x1="${L}" y1="${H - B}" x2="${W - R}" y2="${H - B}" stroke="#888"/><line x1="${L}" y1="${T}" x2="${L}" y2="${H - B}" stroke="#888"/>`;
      for (let i = 0; i <= 4; i++) {
        const yv = y0 + (y1 - y0) * i / 4;
        s += `<text x="${L - 4}" y="${sy(yv) + 4}" text-anchor="end">${tick(yv)}</text><line x1="${L}" x2="${W - R}" y1="${sy(yv)}" y2="${sy(yv)}" stroke="#eee"/>`;
      }
      // Epochs are whole numbers: at most six whole ticks.
      const step = Math.max(1, Math.ceil((x1 - x0) / 5));
      for (let xv = Math.ceil(x0); xv <= x1; xv += step) s += `<text x="${sx(xv)}" y="${H - B + 14}" text-anchor="middle">${xv}</text>`;
      s += `<text x="${(L + W - R) / 2}" y="${H - 6}" text-anchor="middle">epoch</text>`;
      if (yLabel) s += `<text transform="translate(12 ${(T + H - B) / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>`;
      series.forEach((se, k) => {
        const c = COLORS[k % COLORS.length], dash = se.dashed ? ' stroke-dasharray="5 3"' : "";
        const p = se.x.map((x, i) => [x, se.y[i]]).filter(q => typeof q[1] === "number" && isFinite(q[1]));
        if (p.length) s += `<polyline fill="none" stroke="${c}" stroke-width="1.6"${dash} points="${p.map(q => sx(q[0]).toFixed(1) + "," + sy(q[1]).toFixed(1)).join(" ")}"/>`;
        p.forEach(q => { s += `<circle cx="${sx(q[0]).toFixed(1)}" cy="${sy(q[1]).toFixed(1)}" r="2" fill="${c}"/>`; });
        s += `<line x1="${L}" x2="${L + 22}" y1="${H + 8 + 16 * k}" y2="${H + 8 + 16 * k}" stroke="${c}" stroke-width="2"${dash}/>`;
        s += `<text x="${L + 28}" y="${H + 12 + 16 * k}">${esc(se.name)}</text>`;
      });
      return s + "</svg>";
    }
    async function getJSON(url) { const r = await fetch(url, {cache: "no-store"}); if (!r.ok) throw new Error(await r.text()); return r.json(); }
    function runURL(name) { return "/run/" + encodeURIComponent(name); }

    // The runs page.
    async function indexPage() {
      const j = await getJSON("/api/runs");
      const ticked = new Set([...document.querySelectorAll("#runs input:checked")].map(e => e.value));
      document.querySelector("#runs tbody").innerHTML = j.runs.map(r => `<tr>
        <td><input type="checkbox" value="${esc(r.name)}"${ticked.has(r.name) ? " checked" : ""}></td>
        <td class="l"><a href="${runURL(r.name)}">${esc(r.name)}</a></td><td class="l">${esc(r.family)}</td><td class="l">${esc(r.data)}</td>
        <td>${r.epochs_done}/${r.epochs}</td><td class="l ${esc(r.status)}">${esc(r.status)}</td>
        <td class="l">${r.best === null ? "—" : esc(r.metric) + " " + fmt(r.best) + " (epoch " + r.best_epoch + ")"}</td></tr>`).join("");
      document.getElementById("empty").hidden = j.runs.length > 0;
      setTimeout(indexPage, 5000);
    }

    // One run: small multiples (a metric with its val_ twin), the latest pictures and a slider over samples-epoch-*.png.
    let shownEpoch = null;
    async function runPage() {
      const name = document.body.dataset.run;
      let j;
      try { j = await getJSON("/api/run/" + encodeURIComponent(name) + "/metrics"); }
      catch (e) { document.getElementById("summary").textContent = String(e); setTimeout(runPage, 5000); return; }
      document.getElementById("summary").innerHTML = `${esc(j.family)} on ${esc(j.data)} — epoch ${j.epochs_done} of ${j.epochs}, ` +
        `<span class="${esc(j.status)}">${esc(j.status)}</span><br><code>${esc(j.command)}</code>`;
      const keys = [...new Set(j.records.flatMap(r => Object.keys(r)))].filter(k => !HIDDEN.has(k) && j.records.some(r => typeof r[k] === "number"));
      const groups = [];
      for (const k of keys.filter(k => !k.startsWith("val_"))) groups.push(keys.includes("val_" + k) ? [k, "val_" + k] : [k]);
      for (const k of keys.filter(k => k.startsWith("val_") && !keys.includes(k.slice(4)))) groups.push([k]);
      const xs = j.records.map(r => r.epoch);
      document.getElementById("charts").innerHTML = groups.map(g => chart(g.join(" / "),
        g.map(k => ({name: k, x: xs, y: j.records.map(r => r[k]), dashed: k.startsWith("val_")})))).join("");
      const src = f => `${runURL(name)}/${f.folder}/${encodeURIComponent(f.file)}?v=${f.modified}`;
      const pngs = j.images.filter(f => f.folder === "images"), svgs = j.images.filter(f => f.folder === "plots");
      const perEpoch = pngs.filter(f => /^samples-epoch-\d+\.png$/.test(f.file));
      const latest = pngs.filter(f => !perEpoch.includes(f));
      if (perEpoch.length && !latest.some(f => f.file === "samples.png")) latest.unshift(perEpoch[perEpoch.length - 1]);
      document.getElementById("latest").innerHTML = latest.map(f => `<figure><img class="px" src="${src(f)}" width="280" alt="${esc(f.file)}"><figcaption>${esc(f.file)}</figcaption></figure>`).join("");
      document.getElementById("plots").innerHTML = svgs.map(f => `<figure><img src="${src(f)}" alt="${esc(f.file)}"><figcaption>${esc(f.file)}</figcaption></figure>`).join("");
      const box = document.getElementById("epochs"), slider = document.getElementById("epoch-slider");
      box.hidden = perEpoch.length === 0;
      if (perEpoch.length) {
        const atEnd = shownEpoch === null || +slider.value === +slider.max;
        slider.max = perEpoch.length - 1;
        if (atEnd) slider.value = slider.max;
        const show = () => { const f = perEpoch[+slider.value]; document.getElementById("epoch-image").src = src(f);
          document.getElementById("epoch-label").textContent = f.file; shownEpoch = f.file; };
        slider.oninput = show; show();
      }
      document.getElementById("report").href = runURL(name) + "/report.html";
      for (const v of ["explore", "gibbs"]) { const a = document.getElementById(v); a.href = runURL(name) + "/" + v; a.hidden = !(j.views || []).includes(v); }
      setTimeout(runPage, j.status === "training" ? 2000 : 10000);
    }

    // Several runs: the main curves overlaid, the final metrics side by side.
    async function comparePage() {
      const runs = new URLSearchParams(location.search).get("runs") || "";
      let j;
      try { j = await getJSON("/api/compare?runs=" + encodeURIComponent(runs)); }
      catch (e) { document.getElementById("charts").textContent = String(e); return; }
      document.getElementById("charts").innerHTML = chart("Training curves", j.runs.filter(r => r.key !== null)
        .map(r => ({name: r.name + ": " + r.key, x: r.x, y: r.y})), "each run's main metric");
      document.getElementById("metrics").innerHTML = `<tr><th>metric</th>${j.runs.map(r => `<th><a href="${runURL(r.name)}">${esc(r.name)}</a><br>${esc(r.family)}</th>`).join("")}</tr>` +
        j.keys.map((k, i) => `<tr><td class="l">${esc(k)}</td>${j.values[i].map(v => `<td>${fmt(v)}</td>`).join("")}</tr>`).join("");
      setTimeout(comparePage, 10000);
    }

    // The latent explorer: the PCA plane of test codes; a point (u, v) is the code mean + u·pc1 + v·pc2.
    async function explorePage() {
      const name = document.body.dataset.run;
      let j;
      try { j = await getJSON("/api/run/" + encodeURIComponent(name) + "/codes"); }
      catch (e) { document.getElementById("summary").textContent = String(e); return; }
      document.getElementById("summary").textContent = `${j.points.length} test codes of ${j.latent_size} dimensions in their first two principal components.`;
      const S = 480, M = 10;
      const us = j.points.map(p => p[0]), vs = j.points.map(p => p[1]);
      let [u0, u1, v0, v1] = [Math.min(...us), Math.max(...us), Math.min(...vs), Math.max(...vs)];
      const du = (u1 - u0) * 0.15 || 1, dv = (v1 - v0) * 0.15 || 1; u0 -= du; u1 += du; v0 -= dv; v1 += dv;
      const px = u => M + (u - u0) / (u1 - u0) * (S - 2 * M), py = v => S - M - (v - v0) / (v1 - v0) * (S - 2 * M);
      let svg = `<svg width="${S}" height="${S}" viewBox="0 0 ${S} ${S}" xmlns="http://www.w3.org/2000/svg">`;
      j.points.forEach((p, i) => { const c = j.labels[i] < 0 ? "#555" : COLORS[j.labels[i] % COLORS.length];
        svg += `<circle cx="${px(p[0]).toFixed(1)}" cy="${py(p[1]).toFixed(1)}" r="2.2" fill="${c}" fill-opacity="0.6"/>`; });
      svg += `<circle id="cursor" r="6" fill="none" stroke="#000" stroke-width="2" cx="-20" cy="-20"/></svg>`;
      const box = document.getElementById("map"); box.innerHTML = svg;
      const classes = [...new Set(j.labels.filter(l => l >= 0))].sort((a, b) => a - b);
      document.getElementById("legend").innerHTML = classes.map(l => `<span><svg width="10" height="10"><rect width="10" height="10" fill="${COLORS[l % COLORS.length]}"/></svg> ${esc(j.class_names && j.class_names[l] !== undefined ? j.class_names[l] : l)}</span>`).join("");
      const el = box.querySelector("svg"), cursor = el.querySelector("#cursor"), img = document.getElementById("decoded");
      let busy = false, pending = null, last = [0, 0];
      // A conditional model decodes for the class chosen here.
      const select = document.getElementById("class");
      if (j.classes) {
        select.innerHTML = Array.from({length: j.classes}, (_, k) => `<option value="${k}">${esc(j.class_names && j.class_names[k] !== undefined ? j.class_names[k] : k)}</option>`).join("");
        document.getElementById("class-control").hidden = false;
        select.addEventListener("change", () => decode(last[0], last[1]));
      }
      async function decode(u, v) {
        last = [u, v];
        if (busy) { pending = [u, v]; return; }
        busy = true;
        const cls = j.classes ? "&class=" + encodeURIComponent(select.value) : "";
        const z = j.mean.map((m, k) => m + u * j.components[0][k] + (j.components.length > 1 ? v * j.components[1][k] : 0));
        try {
          const r = await fetch("/api/run/" + encodeURIComponent(name) + "/decode?z=" + z.map(x => x.toPrecision(6)).join(",") + cls, {cache: "no-store"});
          if (r.ok) { const url = URL.createObjectURL(await r.blob()); const old = img.src; img.src = url; if (old.startsWith("blob:")) URL.revokeObjectURL(old);
            document.getElementById("where").textContent = `u ${u.toFixed(2)}, v ${v.toFixed(2)}`; }
          else document.getElementById("where").textContent = await r.text();
        } finally { busy = false; if (pending) { const p = pending; pending = null; decode(p[0], p[1]); } }
      }
      function at(e) { const b = el.getBoundingClientRect(), x = (e.clientX - b.left) * S / b.width, y = (e.clientY - b.top) * S / b.height;
        cursor.setAttribute("cx", x); cursor.setAttribute("cy", y);
        decode(u0 + (x - M) / (S - 2 * M) * (u1 - u0), v0 + (S - M - y) / (S - 2 * M) * (v1 - v0)); }
      el.addEventListener("pointerdown", e => { el.setPointerCapture(e.pointerId); at(e); });
      el.addEventListener("pointermove", e => { if (e.buttons & 1) at(e); });
      cursor.setAttribute("cx", px(0)); cursor.setAttribute("cy", py(0));
      decode(0, 0);   // the centre of the codes to start with
    }

    // Gibbs chains on demand: one row per frame (its step), one column per chain.
    function gibbsPage() {
      const name = document.body.dataset.run, form = document.getElementById("gibbs-form");
      async function run() {
        const q = ["k", "n", "frames", "start", "seed"].map(id => id + "=" + encodeURIComponent(document.getElementById(id).value)).join("&");
        document.getElementById("summary").textContent = "Sampling…";
        let j;
        try { j = await getJSON("/api/run/" + encodeURIComponent(name) + "/gibbs?" + q); }
        catch (e) { document.getElementById("summary").textContent = String(e); return; }
        document.getElementById("summary").textContent = `${j.n} chains from ${j.start === "test" ? "test images" : "random binary images"}, ${j.k} Gibbs steps.`;
        document.getElementById("chain").innerHTML = j.frames.map(f => `<tr><th>step ${f.step}</th>${f.images.map(s => `<td><img class="px" src="${s}" width="56" alt="step ${f.step}"></td>`).join("")}</tr>`).join("");
      }
      form.addEventListener("submit", e => { e.preventDefault(); run(); });
      run();
    }

    const page = document.body.dataset.page;
    if (page === "index") {
      indexPage();
      document.getElementById("compare-form").addEventListener("submit", e => {
        const names = [...document.querySelectorAll("#runs input:checked")].map(i => i.value);
        if (names.length === 0) { e.preventDefault(); return; }
        document.getElementById("compare-runs").value = names.join(",");
      });
    } else if (page === "run") runPage();
    else if (page === "compare") comparePage();
    else if (page === "explore") explorePage();
    else if (page === "gibbs") gibbsPage();
    """#
}
