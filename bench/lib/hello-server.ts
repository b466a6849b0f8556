/** The baseline: a bare Fastify hello-world route, started exactly like Gatehouse (node --import tsx, own process). */
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/readyz', async () => ({ ok: true }));
app.get('/hello', async () => ({ hello: 'world' }));
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
