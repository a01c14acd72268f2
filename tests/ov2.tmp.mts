import { chromium } from 'playwright-core';
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless','--no-sandbox','--disable-gpu'] });
const p = await b.newPage({ viewport: { width: 390, height: 844 } });
await p.goto('http://127.0.0.1:4711' + process.argv[2]);
await p.waitForTimeout(2000);
console.log(await p.evaluate(() => {
  const out: string[] = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    const pr = el.parentElement!.getBoundingClientRect();
    const cs = getComputedStyle(el.parentElement!);
    if (r.right > 390.5 && pr.right <= 390.5) out.push(`${el.tagName}.${el.className} ${Math.round(r.left)}-${Math.round(r.right)} parent ${el.parentElement!.tagName}.${el.parentElement!.className} display=${cs.display} cols=${cs.gridTemplateColumns}`);
  }
  return out.slice(0, 10).join('\n');
}));
await b.close();
