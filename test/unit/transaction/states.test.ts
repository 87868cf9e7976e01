import t from 'tap';
import { TransactionState } from '../../../include-types/states.js';
import { IctState, IstState, NictState, NistState, apiState } from '../../../lib/transaction/states.js';

t.test('every machine state maps onto the API state of the same name', async (t) => {
  for (const table of [IctState, NictState, IstState, NistState]) {
    for (const s of Object.values(table)) {
      if (s === 'Accepted') continue;
      t.equal(apiState(s), TransactionState[s], s);
    }
  }
});

t.test('RFC 6026 Accepted is Terminated for the app', async (t) => {
  t.equal(apiState(IctState.Accepted), TransactionState.Terminated);
  t.equal(apiState(IstState.Accepted), TransactionState.Terminated);
});

t.test('the machines use the RFC state names', async (t) => {
  t.same(Object.values(IctState), ['Calling', 'Proceeding', 'Completed', 'Accepted', 'Terminated']);
  t.same(Object.values(NictState), ['Trying', 'Proceeding', 'Completed', 'Terminated']);
  t.same(Object.values(IstState), ['Proceeding', 'Completed', 'Confirmed', 'Accepted', 'Terminated']);
  t.same(Object.values(NistState), ['Trying', 'Proceeding', 'Completed', 'Terminated']);
});
