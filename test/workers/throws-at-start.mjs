// A parse worker whose script fails as it starts.
throw new Error('this worker cannot start');
