import { EventHub } from '../src/events';

class Probe extends EventHub {
  deliver(type: string, data: unknown, from: unknown, argc: 1 | 2): void {
    this.dispatchMessage(type, data, from, argc);
  }
}

describe('EventHub', () => {
  it('calls handlers in order with the published arguments and the hub as this', () => {
    const hub = new EventHub();
    const calls: unknown[][] = [];
    hub.on('a', function (this: unknown, ...args: unknown[]) { calls.push(['first', this === hub, ...args]); });
    hub.on('a', (...args: unknown[]) => calls.push(['second', ...args]));
    hub.publish('a', 1, 'two');
    expect(calls).toEqual([['first', true, 1, 'two'], ['second', 1, 'two']]);
  });

  it('gives the catch-all (type, ...args) after the type handlers', () => {
    const hub = new EventHub();
    const order: string[] = [];
    hub.on('*', (type: string, a: unknown) => order.push(`*:${type}:${String(a)}`));
    hub.on('x', () => order.push('x'));
    hub.publish('x', 5);
    hub.publish('y', 6);
    expect(order).toEqual(['x', '*:x:5', '*:y:6']);
  });

  it('runs a once handler a single time', () => {
    const hub = new EventHub();
    const fn = jasmine.createSpy('once');
    hub.once('e', fn);
    hub.publish('e', 1);
    hub.publish('e', 2);
    expect(fn).toHaveBeenCalledOnceWith(1);
    expect(hub.listenerCount('e')).toBe(0);
  });

  it('removes one handler with off(type, fn) and all of a type with off(type, "*")', () => {
    const hub = new EventHub();
    const a = jasmine.createSpy('a');
    const b = jasmine.createSpy('b');
    hub.on('e', a).on('e', b).on('e', a);
    hub.off('e', a);
    hub.publish('e');
    expect(a).not.toHaveBeenCalled();
    expect(b).toHaveBeenCalledTimes(1);
    hub.off('e', '*');
    hub.publish('e');
    expect(b).toHaveBeenCalledTimes(1);
    expect(hub.eventNames()).toEqual([]);
    expect(() => hub.off('never', a)).not.toThrow();
  });

  it('does not throw for an error nobody listens to', () => {
    const hub = new EventHub();
    expect(() => hub.publish('error', new Error('boom'))).not.toThrow();
  });

  it('is prototype-safe: wire types like __proto__ and constructor reach nothing', () => {
    const hub = new Probe();
    const star = jasmine.createSpy('*');
    hub.on('*', star);
    for (const type of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      expect(() => hub.deliver(type, { x: 1 }, undefined, 1)).not.toThrow();
    }
    expect(star).toHaveBeenCalledTimes(4);
    expect(hub.listenerCount('__proto__')).toBe(0);
    hub.on('__proto__', star);
    hub.deliver('__proto__', 1, undefined, 1);
    expect(star).toHaveBeenCalledWith(1);
  });

  it('keeps the dispatch in progress stable when a handler adds or removes handlers', () => {
    const hub = new EventHub();
    const late = jasmine.createSpy('late');
    const second = jasmine.createSpy('second');
    hub.on('e', () => {
      hub.on('e', late);
      hub.off('e', second);
    });
    hub.on('e', second);
    hub.publish('e');
    expect(second).toHaveBeenCalledTimes(1);
    expect(late).not.toHaveBeenCalled();
    hub.publish('e');
    expect(late).toHaveBeenCalledTimes(1);
    expect(second).toHaveBeenCalledTimes(1);
  });

  it('gives message handlers one argument on clients and two on servers', () => {
    const hub = new Probe();
    const lengths: number[] = [];
    hub.on('m', function (...args: unknown[]) { lengths.push(args.length); });
    hub.once('m', function (...args: unknown[]) { lengths.push(args.length * 10); });
    hub.deliver('m', 'd', undefined, 1);
    hub.deliver('m', 'd', 'socket', 2);
    expect(lengths).toEqual([1, 10, 2]);
  });

  it('offers the event-pubsub aliases subscribe, unSubscribe and trigger', () => {
    const hub = new EventHub();
    const fn = jasmine.createSpy('fn');
    hub.subscribe('e', fn);
    hub.trigger('e', 1);
    hub.unSubscribe('e', fn);
    hub.trigger('e', 2);
    expect(fn).toHaveBeenCalledOnceWith(1);
  });

  it('throws a TypeError for a missing handler or a non-string type', () => {
    const hub = new EventHub();
    expect(() => hub.on('e', undefined as never)).toThrowError(TypeError, /"handler" argument must be a function/);
    expect(() => hub.on(5 as never, () => undefined)).toThrowError(TypeError, /"type" argument must be a string/);
    hub.on('e', () => undefined);
    expect(() => hub.off('e', 'x' as never)).toThrowError(TypeError, /'\*'/);
  });
});
