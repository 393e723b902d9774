// CSV export with a progress bar: the authenticated route streams the rows; this reads the stream,
// shows rows received against the total the server announced (X-Total-Rows), then saves the file.
window.introservExport = async function (url, labelDone, labelFailed) {
  const box = document.getElementById("export-progress");
  const bar = document.getElementById("export-progress-bar");
  const text = document.getElementById("export-progress-text");
  const show = (pct, msg) => {
    if (box) box.style.display = "flex";
    if (bar) bar.style.width = pct + "%";
    if (text) text.textContent = msg;
  };
  try {
    const response = await fetch(url, { credentials: "same-origin", cache: "no-store" });
    if (!response.ok) throw new Error(String(response.status));
    const total = parseInt(response.headers.get("X-Total-Rows") || "0", 10);
    const disposition = response.headers.get("Content-Disposition") || "";
    const match = /filename="([^"]+)"/.exec(disposition);
    const name = match ? match[1] : "orders.csv";
    const reader = response.body.getReader();
    const chunks = [];
    let lines = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      for (let i = 0; i < value.length; i++) if (value[i] === 10) lines++;
      const rows = Math.max(0, lines - 1);
      const pct = total > 0 ? Math.min(100, Math.round((rows * 100) / total)) : 100;
      show(pct, rows.toLocaleString() + " / " + total.toLocaleString());
    }
    const blob = new Blob(chunks, { type: "text/csv;charset=utf-8" });
    const link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = name;
    link.id = "export-file-link";
    document.body.appendChild(link);
    link.click();
    setTimeout(() => { URL.revokeObjectURL(link.href); link.remove(); }, 60000);
    show(100, labelDone + " " + total.toLocaleString());
  } catch (err) {
    show(0, labelFailed);
  }
};
