import * as l from 'libpg-query';
import { loadScanner, splitStatements } from './src/extension/sql/splitter';
(async () => { await loadScanner();
let big=''; for(let i=0;i<1000;i++) big += `SELECT a, b, c FROM s1.t${i} x JOIN s2.u y ON x.id = y.id WHERE x.v > ${i}\n  AND y.w < 3\n GROUP BY 1\n ORDER BY 2\n LIMIT 5;\n`;
const m = (name: string, f: () => unknown) => { for (let k=0;k<3;k++){ const t=performance.now(); f(); console.log(name, Math.round(performance.now()-t)); } };
m('split', () => splitStatements(big));
const sts = splitStatements(big);
m('parse each', () => sts.forEach(s => l.parseSync(s.text)));
m('parse whole', () => l.parseSync(big));
m('fingerprint each', () => sts.forEach(s => l.fingerprintSync(s.text)));
m('fingerprint whole', () => l.fingerprintSync(big));
m('scan whole', () => l.scanSync(big));
try { l.fingerprintSync('select from where'); } catch (e) { console.log((e as any).sqlDetails); }
console.log(Object.keys(l).join(' '));
})();
