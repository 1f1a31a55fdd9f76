// Text for a desktop notification. libnotify (Linux) renders a subset of markup in the body and,
// on some servers, in the title: a job name such as `<b>x</b>` or `a & b` must show as typed.
export function notificationText(text: string, platform: NodeJS.Platform): string {
  if (platform !== 'linux') return text;
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
