// One Docker engine for every test: the backend's garbage collection removes any labsite-* node container no record
// owns, so a GC test running beside the engine tests would remove their containers mid-test.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
