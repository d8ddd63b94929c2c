// Node 20 + express 4 + jsonwebtoken 9 protecting one small GET with an HS256 token, the way
// its users do: the shared secret as a KeyObject, the algorithm pinned.
//   PORT=8081 JWT_SECRET=... node server.js
'use strict';
const crypto = require('node:crypto');
const express = require('express');
const jwt = require('jsonwebtoken');

const key = crypto.createSecretKey(Buffer.from(process.env.JWT_SECRET, 'utf8'));
const app = express();
app.disable('x-powered-by');

app.get('/api/v1/me', (req, res) => {
  const header = req.get('authorization') || '';
  if (!header.startsWith('Bearer ')) return res.status(401).json({ error: 'unauthenticated' });
  try {
    const claims = jwt.verify(header.slice(7), key, { algorithms: ['HS256'] });
    res.json({ sub: claims.sub });
  } catch {
    res.status(401).json({ error: 'invalid_token' });
  }
});

app.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('node peer ready'));
