// Progressive enhancement only: every page works without it.
"use strict";

// Jobs list: live state and per-stage progress, polled every few seconds.
function watchJobs(table) {
  const feed = table.dataset.progressFeed;
  async function update() {
    try {
      const response = await fetch(feed, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (!response.ok) return;
      for (const job of await response.json()) {
        const row = document.getElementById("job-" + job.id);
        if (!row) { if (job.state !== "succeeded") location.reload(); continue; }
        const state = row.querySelector("[data-field=state]");
        if (state.textContent !== job.state) {
          state.textContent = job.state;
          state.className = "tag state-" + job.state;
          if (job.state === "succeeded" || job.state === "failed") setTimeout(() => location.reload(), 500);
        }
        const stages = row.querySelector("[data-field=stages]");
        for (const [label, fraction] of Object.entries(job.stages)) {
          let bar = [...stages.querySelectorAll(".stage")].find(s => s.firstChild.textContent === label);
          if (!bar) {
            bar = document.createElement("span"); bar.className = "stage";
            const name = document.createElement("span"); name.className = "stage-label"; name.textContent = label;
            const progress = document.createElement("progress"); progress.max = 1;
            bar.append(name, progress); stages.insertBefore(bar, stages.querySelector("[data-field=error]"));
          }
          bar.querySelector("progress").value = fraction;
        }
        stages.querySelector("[data-field=error]").textContent = job.error || "";
      }
    } catch (e) { /* the next poll tries again */ }
  }
  setInterval(update, 3000);
}

// Upload: drag and drop onto the box.
function dropZone(zone) {
  const input = zone.querySelector("input[type=file]");
  ["dragenter", "dragover"].forEach(e => zone.addEventListener(e, ev => { ev.preventDefault(); zone.classList.add("over"); }));
  ["dragleave", "drop"].forEach(e => zone.addEventListener(e, ev => { ev.preventDefault(); zone.classList.remove("over"); }));
  zone.addEventListener("drop", ev => { input.files = ev.dataTransfer.files; });
}

// Job page: a selection in the transcript fills the "redact" box; a time plays the recording from there.
function transcriptTools() {
  const transcript = document.getElementById("transcript");
  const term = document.getElementById("redact-term");
  if (transcript && term) {
    document.addEventListener("selectionchange", () => {
      const selection = document.getSelection();
      if (selection && !selection.isCollapsed && transcript.contains(selection.anchorNode)) {
        const text = selection.toString().trim();
        if (text.length >= 2 && text.length <= 200) term.value = text;
      }
    });
  }
  const player = document.getElementById("player");
  document.querySelectorAll("[data-seek]").forEach(link => link.addEventListener("click", ev => {
    if (!player) return;
    ev.preventDefault();
    player.currentTime = parseFloat(link.dataset.seek);
    player.play();
  }));
  const refresh = document.querySelector("[data-refresh]");
  if (refresh) setTimeout(() => location.reload(), parseInt(refresh.dataset.refresh, 10) * 1000);
}

document.addEventListener("DOMContentLoaded", () => {
  const table = document.querySelector("[data-progress-feed]");
  if (table) watchJobs(table);
  const zone = document.getElementById("drop-zone");
  if (zone) dropZone(zone);
  transcriptTools();
});
