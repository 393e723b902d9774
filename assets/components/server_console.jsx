// The serial console of a server in the browser: an xterm.js terminal over the panel's console websocket
// (introserv_app/web/console.py). Binary frames are the terminal's bytes both ways; text frames are the panel's
// notices ({"type": "ready" | "error" | "taken", "message"}), shown in the status line above the terminal.
import { useEffect, useRef, useState } from "react";
import { Terminal } from "@xterm/xterm";
import "@xterm/xterm/css/xterm.css";

export function ServerConsole({ path, connecting, closed, id }) {
  const box = useRef(null);
  const [status, setStatus] = useState({ type: "connecting", message: connecting });
  useEffect(() => {
    const term = new Terminal({ convertEol: false, cursorBlink: true, rows: 24, cols: 100, fontSize: 13 });
    term.open(box.current);
    const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    const ws = new WebSocket(`${scheme}//${window.location.host}${path}`);
    ws.binaryType = "arraybuffer";
    const encoder = new TextEncoder();
    let ended = false;
    ws.onmessage = (event) => {
      if (typeof event.data === "string") {
        try {
          const notice = JSON.parse(event.data);
          if (notice.type !== "ready") ended = true;
          setStatus(notice);
        } catch (e) {
          /* not a notice */
        }
        return;
      }
      term.write(new Uint8Array(event.data));
    };
    ws.onclose = () => {
      if (!ended) setStatus({ type: "closed", message: closed });
    };
    const typing = term.onData((data) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(encoder.encode(data));
    });
    term.focus();
    return () => {
      typing.dispose();
      ws.close();
      term.dispose();
    };
  }, [path]);
  return (
    <div id={id} data-status={status.type}>
      <div className="console-status" role="status" data-status={status.type}>
        {status.message}
      </div>
      <div ref={box} className="console-screen" />
    </div>
  );
}
