import { expect, test } from '@playwright/test';
import { AddressPool, bridgeMac, labSubnet } from './addresses.ts';

test('a lab subnet names the control plane, VPC router and proxy addresses', () => {
  expect(labSubnet(7)).toEqual({
    index: 7,
    cidr: '198.18.7.0/24',
    prefixLength: 24,
    gateway: '198.18.7.1',
    vpcRouter: '198.18.7.2',
    proxy: '198.18.7.3',
  });
  expect(labSubnet(0).gateway).toBe('198.18.0.1');
  expect(() => labSubnet(255)).toThrow('not in 0..254');
});

test('the pool hands out the lowest free address and reuses released ones', () => {
  const pool = new AddressPool('198.19.0', 2, 3);
  expect(pool.allocate()).toBe('198.19.0.2');
  expect(pool.allocate()).toBe('198.19.0.3');
  expect(() => pool.allocate()).toThrow('no free address');
  pool.release('198.19.0.2');
  expect(pool.allocate()).toBe('198.19.0.2');
});

test('a bridge MAC is unicast and locally administered, and new each time', () => {
  const mac = bridgeMac();
  expect(mac).toMatch(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
  const first = Number.parseInt(mac.slice(0, 2), 16);
  expect(first & 0x01).toBe(0);
  expect(first & 0x02).toBe(2);
  expect(bridgeMac()).not.toBe(mac);
});
