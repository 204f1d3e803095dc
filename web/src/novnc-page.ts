// The page behind a `console url show --novnc` URL (/console/novnc?token=…): noVNC connected through the
// console proxy on this origin. The token in the URL is the only credential; it is never sent elsewhere.
import RFB from '@novnc/novnc';

const status = document.getElementById('status') as HTMLElement;
const screen = document.getElementById('screen') as HTMLElement;
const token = new URLSearchParams(location.search).get('token') ?? '';
const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
const rfb = new RFB(
  screen,
  `${scheme}//${location.host}/console/websocket?token=${encodeURIComponent(token)}`,
);
rfb.scaleViewport = true;
rfb.addEventListener('connect', () => {
  status.textContent = 'Connected';
  status.dataset.state = 'connected';
});
rfb.addEventListener('disconnect', () => {
  status.textContent = 'Disconnected (the console URL may have expired)';
  status.dataset.state = 'disconnected';
});
